import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/test-env';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-port-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('rigshare agent on a port that is taken', () => {
  it('says what to do and exits 1 instead of crashing with a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const child = spawn(
        process.execPath,
        [path.join(REPO_ROOT, 'bin/rigshare.js'), 'agent', '--data-dir', dataDir, '--port', String(port)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toContain('--port');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
