import fs from 'node:fs';

export interface QuarantineResult {
  movedTo: string;
  reason: string;
}

/**
 * Moves an unreadable file aside instead of deleting it, so the user (or support) can recover
 * what was in it. The original path is then free for fresh defaults.
 */
export function quarantineFile(filePath: string, reason: string, now = new Date()): QuarantineResult {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const movedTo = `${filePath}.corrupt-${stamp}`;
  fs.renameSync(filePath, movedTo);
  return { movedTo, reason };
}

export type ReadOutcome =
  { kind: 'missing' } | { kind: 'ok'; value: unknown } | { kind: 'unparseable'; reason: string };

export function readJsonFile(filePath: string): ReadOutcome {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch (err) {
    return { kind: 'unparseable', reason: `not valid JSON (${(err as Error).message})` };
  }
}
