import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/core/log/logger';
import { createConfBackend } from '../../../electron/core/settings/backend';
import { SettingsService, settingsFilePath } from '../../../electron/core/settings/service';
import { defaultSettings } from '../../../shared/settings/schema';

const log = createLogger({ name: 'test', stdout: false });

function open(dir: string): SettingsService {
  return new SettingsService(settingsFilePath(dir), () => createConfBackend(dir), log);
}

describe('settings persistence and corruption', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-settings-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts from defaults and keeps an update across a reopen', () => {
    const first = open(dir);
    expect(first.get()).toEqual(defaultSettings());
    first.update({ currency: 'KES', electricityPricePerKwh: 28.5 });
    const second = open(dir);
    expect(second.get().currency).toBe('KES');
    expect(second.get().electricityPricePerKwh).toBe(28.5);
    expect(second.view().notice.corruptFileMovedTo).toBeNull();
  });

  it('moves a file that is not JSON aside, keeps its bytes, and uses defaults', () => {
    const file = settingsFilePath(dir);
    fs.writeFileSync(file, '{"currency": "KES", ');
    const service = open(dir);
    const notice = service.view().notice;
    expect(notice.corruptFileMovedTo).toMatch(/settings\.json\.corrupt-/);
    expect(notice.reason).toMatch(/not valid JSON/);
    expect(fs.readFileSync(notice.corruptFileMovedTo!, 'utf8')).toBe('{"currency": "KES", ');
    expect(service.get()).toEqual(defaultSettings());
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(defaultSettings());
  });

  it('moves a file with values outside the schema aside and names the field', () => {
    fs.writeFileSync(settingsFilePath(dir), JSON.stringify({ currency: 'KES', hoursPerDay: 99 }));
    const notice = open(dir).view().notice;
    expect(notice.corruptFileMovedTo).not.toBeNull();
    expect(notice.reason).toMatch(/hoursPerDay/);
  });

  it('rejects an invalid update and leaves the stored settings unchanged', () => {
    const service = open(dir);
    service.update({ currency: 'NGN' });
    expect(() => service.update({ hoursPerDay: -3 })).toThrow();
    expect(() => service.update({ unknownField: true } as never)).toThrow();
    expect(open(dir).get().currency).toBe('NGN');
    expect(open(dir).get().hoursPerDay).toBe(defaultSettings().hoursPerDay);
  });
});
