import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CURRENCIES } from '../../../../shared/format/currency';
import { Language, SettingsPatch, type Settings } from '../../../../shared/settings/schema';
import { NumberField } from '../../components/form/NumberField';
import { SelectField } from '../../components/form/SelectField';
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
        <SelectField
          label={t('language')}
          value={draft.language}
          options={Language.options}
          onChange={(v) => change('language', v)}
          optionLabel={(code) => LANGUAGE_NAMES[code]}
          testId="settings-language"
        />
        <SelectField
          label={t('currency')}
          value={draft.currency}
          options={CURRENCIES}
          onChange={(v) => change('currency', v)}
          testId="settings-currency"
        />
        <NumberField
          label={t('kwhPrice', { currency: draft.currency })}
          min={0}
          step="0.01"
          value={draft.electricityPricePerKwh}
          onChange={(v) => change('electricityPricePerKwh', v)}
          testId="settings-kwh-price"
        >
          <small>{t('kwhPriceHint', { example: fmt.money(draft.electricityPricePerKwh, draft.currency) })}</small>
        </NumberField>
        <NumberField
          label={t('hours')}
          min={0}
          max={24}
          step="1"
          value={draft.hoursPerDay}
          onChange={(v) => change('hoursPerDay', v)}
          testId="settings-hours"
        />
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
