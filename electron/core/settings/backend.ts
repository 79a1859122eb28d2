import Conf from 'conf';

/**
 * Where settings bytes live. Headless runs use conf; the desktop shell passes an electron-store
 * backend (electron-store is conf underneath, so both write the same file).
 */
export interface SettingsBackend {
  readonly path: string;
  read(): Record<string, unknown>;
  write(value: Record<string, unknown>): void;
}

export const SETTINGS_FILE_STEM = 'settings';

export function createConfBackend(dataDir: string): SettingsBackend {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: SETTINGS_FILE_STEM,
    projectName: 'rigshare',
    // A damaged file is handled by SettingsService before this point; never let conf wipe it.
    clearInvalidConfig: false,
  });
  return {
    path: conf.path,
    read: () => ({ ...conf.store }),
    write: (value) => {
      conf.store = value;
    },
  };
}
