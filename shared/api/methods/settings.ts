import { z } from 'zod';
import { defineMethods } from '../define';
import { Settings, SettingsPatch } from '../../settings/schema';

export const SettingsNotice = z.object({
  /** Set when the settings file was unreadable and was moved aside; defaults are in use. */
  corruptFileMovedTo: z.string().nullable(),
  reason: z.string().nullable(),
});

export const SettingsView = z.object({ settings: Settings, notice: SettingsNotice });
export type SettingsView = z.infer<typeof SettingsView>;

export const settingsMethods = defineMethods({
  'settings.get': { input: z.object({}).strict(), output: SettingsView },
  'settings.update': { input: SettingsPatch, output: SettingsView },
});
