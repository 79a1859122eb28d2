import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EstimateRequest, EstimateView } from '../../../../shared/api/methods/earnings';
import { CURRENCIES, type CurrencyCode } from '../../../../shared/format/currency';
import { getClient } from '../../api/client';
import { NumberField } from '../../components/form/NumberField';
import { SelectField } from '../../components/form/SelectField';
import { startGpuStore, useGpuStore } from '../../components/gpu/gpu-store';
import { useFormat } from '../../hooks/useFormat';
import { saveSettings, settings } from '../../stores/settings';
import { NetChart } from './NetChart';
import { OfferTable } from './OfferTable';

interface Inputs {
  gpuKey: string;
  currency: CurrencyCode;
  kwhPrice: number;
  hoursPerDay: number;
  utilizationPct: number;
}

/** What this rig would really earn, per network and tier, after electricity, in the owner's money. */
export function EarningsPage() {
  const { t } = useTranslation('earnings');
  const fmt = useFormat();
  const saved = settings.use().data?.settings;
  const inventory = useGpuStore((s) => s.inventory);
  const [inputs, setInputs] = useState<Inputs | null>(null);
  const [view, setView] = useState<EstimateView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(startGpuStore, []);

  // Pre-fill from the saved settings; the GPU comes from the agent's own default (the detected card).
  useEffect(() => {
    if (!saved || inputs) return;
    setInputs({
      gpuKey: '',
      currency: saved.currency,
      kwhPrice: saved.electricityPricePerKwh,
      hoursPerDay: saved.hoursPerDay,
      utilizationPct: Math.round(saved.expectedUtilization * 100),
    });
  }, [saved, inputs]);

  useEffect(() => {
    if (!inputs) return;
    let current = true;
    const request: EstimateRequest = {
      currency: inputs.currency,
      kwhPrice: inputs.kwhPrice,
      hoursPerDay: inputs.hoursPerDay,
      utilization: inputs.utilizationPct / 100,
      ...(inputs.gpuKey ? { gpuKey: inputs.gpuKey } : {}),
    };
    getClient()
      .call('earnings.estimate', request)
      .then((v) => {
        if (!current) return;
        setView(v);
        setError(null);
        if (!inputs.gpuKey) setInputs((i) => (i ? { ...i, gpuKey: v.gpuKey } : i));
      })
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [inputs]);

  if (!inputs) return <section className="page">{t('loading')}</section>;
  const set = <K extends keyof Inputs>(key: K, value: Inputs[K]) => setInputs({ ...inputs, [key]: value });
  const keys = [
    ...new Set(
      [...(inventory?.gpus.map((g) => g.key) ?? []), ...(view?.knownKeys ?? []), inputs.gpuKey].filter(Boolean),
    ),
  ];
  const clamp = (value: number, max: number) => Math.min(Math.max(value || 0, 0), max);

  return (
    <section className="page" data-testid="page-earnings">
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      <form className="card earnings-inputs" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label={t('gpu')}
          value={inputs.gpuKey}
          options={keys}
          onChange={(v) => set('gpuKey', v)}
          optionLabel={(k) => inventory?.gpus.find((g) => g.key === k)?.model ?? k}
          testId="earnings-gpu"
        />
        <SelectField
          label={t('currency')}
          value={inputs.currency}
          options={CURRENCIES}
          onChange={(v) => set('currency', v)}
          testId="earnings-currency"
        />
        <NumberField
          label={t('kwhPrice', { currency: inputs.currency })}
          min={0}
          step="any"
          value={inputs.kwhPrice}
          onChange={(v) => set('kwhPrice', clamp(v, 100_000))}
          testId="earnings-kwh-price"
        />
        <NumberField
          label={t('hours')}
          min={0}
          max={24}
          value={inputs.hoursPerDay}
          onChange={(v) => set('hoursPerDay', clamp(v, 24))}
          testId="earnings-hours"
        />
        <NumberField
          label={t('utilization')}
          min={0}
          max={100}
          value={inputs.utilizationPct}
          onChange={(v) => set('utilizationPct', clamp(v, 100))}
          testId="earnings-utilization"
        />
        <button
          type="button"
          data-testid="earnings-save"
          onClick={() =>
            void saveSettings({
              currency: inputs.currency,
              electricityPricePerKwh: inputs.kwhPrice,
              hoursPerDay: inputs.hoursPerDay,
              expectedUtilization: inputs.utilizationPct / 100,
            })
          }
        >
          {t('saveDefaults')}
        </button>
      </form>
      {error && (
        <div className="card error" data-testid="earnings-error">
          {error}
        </div>
      )}
      {view && (
        <>
          <p className="assumptions" data-testid="earnings-assumptions">
            {t('assumptions', {
              power: fmt.number(view.powerW, 0),
              source: t(`powerSource.${view.powerSource}`),
              kwh: fmt.number(view.kwhPerDay, 1),
              rate: fmt.number(view.perUsd, 2),
              currency: view.currency,
              date: view.exchange.origin === 'user' ? t('yourRate') : view.exchange.date,
            })}
          </p>
          {view.offers.length === 0 ? (
            <div className="card warn" data-testid="earnings-no-rates">
              {t('noRates', { key: view.gpuKey })}
            </div>
          ) : (
            <>
              <OfferTable view={view} />
              <NetChart view={view} />
            </>
          )}
        </>
      )}
    </section>
  );
}
