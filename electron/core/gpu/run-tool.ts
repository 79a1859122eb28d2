import { execFile } from 'node:child_process';

export type ToolRun =
  | { kind: 'ok'; stdout: string; stderr: string }
  | { kind: 'missing'; detail: string }
  | { kind: 'failed'; exitCode: number | null; detail: string }
  | { kind: 'timeout'; detail: string };

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  maxBytes?: number;
}

/**
 * Runs a vendor tool asynchronously. A hung driver can leave nvidia-smi stuck for minutes, so the
 * process is killed outright at the deadline, and every outcome becomes a value, never a throw.
 */
export function runTool(command: string, args: string[], options: RunOptions): Promise<ToolRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    execFile(
      command,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxBytes ?? 4 * 1024 * 1024,
        env: options.env ?? process.env,
        windowsHide: true,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ kind: 'ok', stdout, stderr });
        const err = error as NodeJS.ErrnoException & {
          killed?: boolean;
          signal?: string | null;
          code?: string | number;
        };
        if (err.code === 'ENOENT') return resolve({ kind: 'missing', detail: `${command} was not found on PATH` });
        if (err.killed || (err.signal === 'SIGKILL' && Date.now() - started >= options.timeoutMs - 5)) {
          return resolve({
            kind: 'timeout',
            detail: `${command} did not answer within ${options.timeoutMs} ms and was stopped`,
          });
        }
        if (err.code === 'EACCES')
          return resolve({
            kind: 'failed',
            exitCode: null,
            detail: `${command} is not executable (permission denied)`,
          });
        const exitCode = typeof err.code === 'number' ? err.code : null;
        const said = `${String(stderr).trim()} ${String(stdout).trim()}`.trim().slice(0, 400);
        resolve({ kind: 'failed', exitCode, detail: said || err.message });
      },
    );
  });
}
