import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CURRENCIES } from '../../../../shared/format/currency';
import { Language, SettingsPatch, type Settings } from '../../../../shared/settings/schema';
import { useFormat } from '../../hooks/useFormat';
import { saveSettings, settings } from '../../stores/settings';

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', sw: 'Kiswahili' };

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const fmt = useFormat();
  const { data, error } = settings.use();
  const [draft, setDraft] = useState<Settings | null>(null);
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [saveError, setSaveError] = useState<string | null>(null);

  useEffect(() => {
    if (data && !draft) setDraft(data.settings);
  }, [data, draft]);

  if (error) return <div className="card error">{error}</div>;
  if (!data || !draft) return <div className="card">{t('loading')}</div>;

  const change = <K extends keyof Settings>(key: K, value: Settings[K]): void => {
    setDraft({ ...draft, [key]: value });
    setState('idle');
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const parsed = SettingsPatch.safeParse(draft);
    if (!parsed.success) {
      setSaveError(t('invalid'));
      return;
    }
    setState('saving');
    try {
      await saveSettings(parsed.data);
      setSaveError(null);
      setState('saved');
    } catch (err) {
      setSaveError((err as Error).message);
      setState('idle');
    }
  };

  return (
    <section className="page" data-testid="page-settings">
      <h1>{t('title')}</h1>
      {data.notice.corruptFileMovedTo && (
        <div className="card warn" role="alert" data-testid="settings-corrupt-notice">
          {t('corrupt', { path: data.notice.corruptFileMovedTo })}
        </div>
      )}
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('language')}
          <select
            data-testid="settings-language"
            value={draft.language}
            onChange={(e) => change('language', e.target.value as Language)}
          >
            {Language.options.map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('currency')}
          <select
            data-testid="settings-currency"
            value={draft.currency}
            onChange={(e) => change('currency', e.target.value as Settings['currency'])}
          >
            {CURRENCIES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('kwhPrice', { currency: draft.currency })}
          <input
            data-testid="settings-kwh-price"
            type="number"
            min={0}
            step="0.01"
            value={draft.electricityPricePerKwh}
            onChange={(e) => change('electricityPricePerKwh', Number(e.target.value))}
          />
          <small>{t('kwhPriceHint', { example: fmt.money(draft.electricityPricePerKwh, draft.currency) })}</small>
        </label>
        <label>
          {t('hours')}
          <input
            data-testid="settings-hours"
            type="number"
            min={0}
            max={24}
            step="1"
            value={draft.hoursPerDay}
            onChange={(e) => change('hoursPerDay', Number(e.target.value))}
          />
        </label>
        <div className="actions">
          <button type="submit" data-testid="settings-save" disabled={state === 'saving'}>
            {t('save')}
          </button>
          {state === 'saved' && (
            <span className="saved" data-testid="settings-saved" role="status">
              {t('saved')}
            </span>
          )}
          {saveError && (
            <span className="error" role="alert">
              {saveError}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
