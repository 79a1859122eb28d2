import path from 'node:path';
import { describeZodError } from '../../../shared/api/errors';
import type { SettingsView } from '../../../shared/api/methods/settings';
import { Settings, SettingsPatch, defaultSettings } from '../../../shared/settings/schema';
import type { Logger } from '../log/logger';
import { SETTINGS_FILE_STEM, type SettingsBackend } from './backend';
import { quarantineFile, readJsonFile, type QuarantineResult } from '../files/quarantine';

export function settingsFilePath(dataDir: string): string {
  return path.join(dataDir, `${SETTINGS_FILE_STEM}.json`);
}

/**
 * Validated settings with a clear story for damaged files: a file that is not JSON, or that no
 * longer matches the schema, is moved aside and reported, and defaults are used.
 */
export class SettingsService {
  private current: Settings;
  private readonly notice: QuarantineResult | null;
  private readonly backend: SettingsBackend;

  constructor(
    private readonly filePath: string,
    openBackend: () => SettingsBackend,
    private readonly log: Logger,
    private readonly onChange: (settings: Settings) => void = () => {},
  ) {
    this.notice = this.checkFile();
    this.backend = openBackend();
    const parsed = Settings.safeParse(this.backend.read());
    this.current = parsed.success ? parsed.data : defaultSettings();
    this.backend.write(this.current);
  }

  private checkFile(): QuarantineResult | null {
    const outcome = readJsonFile(this.filePath);
    if (outcome.kind === 'missing') return null;
    let reason: string | null = null;
    if (outcome.kind === 'unparseable') reason = outcome.reason;
    else {
      const parsed = Settings.safeParse(outcome.value);
      if (!parsed.success) reason = `does not match the settings schema (${describeZodError(parsed.error)})`;
    }
    if (reason === null) return null;
    const result = quarantineFile(this.filePath, reason);
    this.log.warn(
      { movedTo: result.movedTo },
      `Settings file ${reason}. It was moved aside and defaults are in use; your old file is kept at ${result.movedTo}.`,
    );
    return result;
  }

  get(): Settings {
    return this.current;
  }

  view(): SettingsView {
    return {
      settings: this.current,
      notice: {
        corruptFileMovedTo: this.notice?.movedTo ?? null,
        reason: this.notice?.reason ?? null,
      },
    };
  }

  update(patch: SettingsPatch): SettingsView {
    const checked = SettingsPatch.parse(patch);
    const next = Settings.parse({ ...this.current, ...checked });
    this.backend.write(next);
    this.current = next;
    this.onChange(next);
    return this.view();
  }
}
