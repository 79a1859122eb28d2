import type { SettingsPatch } from '../../../shared/settings/schema';
import { getClient } from '../api/client';
import { createResource } from './resource';

export const settings = createResource('settings', () => getClient().call('settings.get', {}));

export async function saveSettings(patch: SettingsPatch): Promise<void> {
  settings.set(await getClient().call('settings.update', patch));
}
