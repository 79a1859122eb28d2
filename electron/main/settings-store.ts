import Store from 'electron-store';
import { SETTINGS_FILE_STEM, type SettingsBackend } from '../core/settings/backend';

/**
 * Settings for the desktop app, kept with electron-store in the same `settings.json` the
 * headless agent uses, so both front doors share one install.
 */
export function createElectronStoreBackend(dataDir: string): SettingsBackend {
  const store = new Store<Record<string, unknown>>({
    cwd: dataDir,
    name: SETTINGS_FILE_STEM,
    // A damaged file is moved aside by SettingsService before this point; never let the store wipe it.
    clearInvalidConfig: false,
  });
  return {
    path: store.path,
    read: () => ({ ...store.store }),
    write: (value) => {
      store.store = value;
    },
  };
}
