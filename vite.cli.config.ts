import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const root = import.meta.dirname;
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];

function isExternal(id: string): boolean {
  if (id.startsWith('node:') || builtinModules.includes(id)) return true;
  return packages.some((name) => id === name || id.startsWith(`${name}/`));
}

/**
 * The `rigshare` command as one Node bundle (out/cli/index.js). Running it avoids compiling the
 * TypeScript sources at every start, which keeps a headless rig's agent small. out/cli sits at
 * the same depth as electron/cli, so paths found from a module's own location hold in both.
 */
export default defineConfig({
  root,
  logLevel: 'warn',
  build: {
    ssr: resolve(root, 'electron/cli/index.ts'),
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      external: isExternal,
      output: { format: 'es', entryFileNames: 'index.js' },
    },
  },
});
