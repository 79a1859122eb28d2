import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../../../electron/core/gpu/nvidia';
import { runTool } from '../../../electron/core/gpu/run-tool';

export const STUB_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/gpu/bin');
/** The stubs are node scripts; their shebang needs node on PATH. */
const NODE_DIR = path.dirname(process.execPath);

export interface StubEnv {
  nvidia?: string;
  amd?: string;
  nvidiaMode?: 'ok' | 'fail' | 'hang' | 'malformed' | 'empty';
  amdMode?: 'ok' | 'fail' | 'hang' | 'malformed';
  live?: boolean;
  /** Leave the stubs off PATH, as on a machine without vendor tools. */
  absent?: boolean;
  callLog?: string;
}

/** Runs the real vendor-tool code path against the recorded-output stubs. */
export function stubRunner(stub: StubEnv, timeoutMs = 3000): Runner {
  const env: NodeJS.ProcessEnv = {
    PATH: stub.absent ? NODE_DIR : `${STUB_BIN}${path.delimiter}${NODE_DIR}`,
    RIGSHARE_GPU_FIXTURE: stub.nvidia ?? 'none',
    RIGSHARE_AMD_FIXTURE: stub.amd ?? 'none',
    RIGSHARE_GPU_MODE: stub.nvidiaMode ?? 'ok',
    RIGSHARE_AMD_MODE: stub.amdMode ?? 'ok',
    RIGSHARE_GPU_LIVE: stub.live ? '1' : '0',
    ...(stub.callLog ? { RIGSHARE_GPU_CALL_LOG: stub.callLog } : {}),
  };
  return (command, args) => runTool(command, args, { timeoutMs, env });
}

/** systeminformation stand-in with no controllers, so unit tests never probe this machine. */
export const noGraphics = async (): Promise<{ controllers: [] }> => ({ controllers: [] });
