import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

/** Lints `code` as if it lived at `file`, and returns the layering findings. */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const messages = result!.messages;
  // Any other finding would make "clean" cases meaningless, so surface it.
  const others = messages.filter((m) => m.ruleId !== 'no-restricted-imports');
  expect(others, `unexpected lint findings in ${file}`).toEqual([]);
  for (const m of messages) expect(m.severity).toBe(2);
  return messages.map((m) => m.message);
}

const importing = (specifier: string, names = 'thing') =>
  `import { ${names} } from '${specifier}';\nexport const y = [${names}];\n`;

describe('layering rules', () => {
  it('renderer may not import electron/, coordinator/, Electron or Node', async () => {
    expect(await layering('renderer/src/pages/Overview.tsx', importing('../../../electron/core/agent'))).toHaveLength(
      1,
    );
    expect(await layering('renderer/src/x.ts', importing('../../electron/server/server'))).toHaveLength(1);
    expect(await layering('renderer/src/x.ts', importing('../../coordinator/matching'))).toHaveLength(1);
    expect(await layering('renderer/src/x.ts', importing('electron', 'ipcRenderer'))).not.toHaveLength(0);
    expect(await layering('renderer/src/x.ts', importing('node:fs', 'readFileSync'))).toHaveLength(1);
    expect(await layering('renderer/src/x.ts', importing('child_process', 'exec'))).toHaveLength(1);
  });

  it('renderer may import shared/, itself and npm packages', async () => {
    expect(await layering('renderer/src/api/client.ts', importing('../../../shared/api/contract'))).toEqual([]);
    expect(await layering('renderer/src/pages/Overview.tsx', importing('../stores/system'))).toEqual([]);
    expect(await layering('renderer/src/x.ts', importing('zustand', 'create'))).toEqual([]);
  });

  it("electron/core may not import 'electron', not even its types", async () => {
    const [message] = await layering('electron/core/gpu/detect.ts', importing('electron', 'app'));
    expect(message).toMatch(/Only electron\/main and electron\/preload/);
    expect(
      await layering('electron/core/x.ts', "import type { App } from 'electron';\nexport type A = App;\n"),
    ).toHaveLength(1);
    expect(await layering('electron/core/x.ts', "export { app } from 'electron';\n")).toHaveLength(1);
  });

  it('electron/core may use Node and shared/', async () => {
    expect(await layering('electron/core/x.ts', importing('node:fs', 'readFileSync'))).toEqual([]);
    expect(await layering('electron/core/x.ts', importing('../../shared/api/contract'))).toEqual([]);
  });

  it('shared/ may not use Node built-ins, with or without the node: prefix', async () => {
    expect(await layering('shared/earnings/x.ts', importing('node:fs', 'readFileSync'))).toHaveLength(1);
    expect(await layering('shared/earnings/x.ts', importing('fs', 'readFileSync'))).toHaveLength(1);
    expect(await layering('shared/earnings/x.ts', importing('fs/promises', 'readFile'))).toHaveLength(1);
    expect(await layering('shared/earnings/x.ts', importing('crypto', 'createHash'))).toHaveLength(1);
    expect(await layering('shared/earnings/x.ts', importing('node:test', 'test'))).toHaveLength(1);
  });

  it('shared/ may not import electron/, renderer/, coordinator/ or Electron', async () => {
    expect(await layering('shared/api/x.ts', importing('../../electron/core/agent'))).toHaveLength(1);
    expect(await layering('shared/api/x.ts', importing('../../renderer/src/api/client'))).toHaveLength(1);
    expect(await layering('shared/api/x.ts', importing('../../coordinator/server'))).toHaveLength(1);
    expect(await layering('shared/api/x.ts', "export { Agent } from '../../electron/core/agent';\n")).toHaveLength(1);
    expect(await layering('shared/api/x.ts', importing('electron', 'app'))).not.toHaveLength(0);
  });

  it('shared/ may import zod and itself', async () => {
    expect(await layering('shared/api/x.ts', importing('zod', 'z'))).toEqual([]);
    expect(await layering('shared/api/x.ts', importing('../format/numbers'))).toEqual([]);
  });

  it("coordinator/ may not import electron/ or 'electron', but may import shared/", async () => {
    expect(await layering('coordinator/matching.ts', importing('../electron/core/agent'))).toHaveLength(1);
    expect(await layering('coordinator/routes/x.ts', importing('../../electron/core/ledger/db'))).toHaveLength(1);
    expect(await layering('coordinator/x.ts', importing('electron', 'app'))).not.toHaveLength(0);
    expect(await layering('coordinator/x.ts', importing('../shared/protocol/messages'))).toEqual([]);
  });

  it("only the shell may import 'electron'", async () => {
    expect(await layering('electron/server/x.ts', importing('electron', 'app'))).toHaveLength(1);
    expect(await layering('electron/cli/x.ts', importing('electron', 'app'))).toHaveLength(1);
    expect(await layering('electron/main/window.ts', importing('electron', 'BrowserWindow'))).toEqual([]);
    expect(await layering('electron/preload/x.ts', importing('electron', 'contextBridge'))).toEqual([]);
  });

  it('ipcRenderer is the preload’s alone', async () => {
    const [message] = await layering('electron/main/ipc.ts', importing('electron', 'ipcRenderer'));
    expect(message).toMatch(/ipcRenderer/);
    expect(
      await layering('electron/main/x.ts', "import * as electron from 'electron';\nexport const y = electron;\n"),
    ).toHaveLength(1);
    expect(await layering('electron/core/x.ts', importing('electron', 'ipcRenderer'))).toHaveLength(1);
    expect(await layering('electron/preload/index.ts', importing('electron', 'ipcRenderer, contextBridge'))).toEqual(
      [],
    );
  });
});
