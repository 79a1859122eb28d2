import path from 'node:path';

/**
 * The `--data-dir=DIR` (or `--data-dir DIR`) argument the CLI passes when it opens the app.
 * Returns an absolute path, or null when the argument is absent or empty.
 */
export function dataDirFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    let value: string | undefined;
    if (arg.startsWith('--data-dir=')) value = arg.slice('--data-dir='.length);
    else if (arg === '--data-dir') value = argv[i + 1];
    if (value !== undefined) return value.trim() && !value.startsWith('--') ? path.resolve(value) : null;
  }
  return null;
}
