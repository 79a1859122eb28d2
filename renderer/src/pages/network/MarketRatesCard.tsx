import { useTranslation } from 'react-i18next';
import { formatUnits } from '../../../../shared/protocol/money';
import { useNetwork } from './network-store';

/** What the network publishes about current prices, so a floor can be set against real offers. */
export function MarketRatesCard() {
  const { t } = useTranslation('network');
  const rates = useNetwork((s) => s.rates);
  if (!rates) return null;
  const units = (v: number | null) =>
    v === null ? '—' : `${formatUnits(v, rates.token.decimals)} ${rates.token.symbol}`;
  return (
    <div className="card" data-testid="market-rates">
      <h2>{t('market.title')}</h2>
      {rates.rates.length === 0 ? (
        <p className="muted">{t('market.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('market.gpu')}</th>
              <th>{t('market.queued')}</th>
              <th>{t('market.median')}</th>
              <th>{t('market.paid')}</th>
            </tr>
          </thead>
          <tbody>
            {rates.rates.map((r) => (
              <tr key={r.gpuKey ?? '*'}>
                <td>{r.gpuKey ?? t('market.anyGpu')}</td>
                <td>{r.queuedJobs}</td>
                <td>{units(r.medianOfferPerGpuHour)}</td>
                <td>{units(r.avgPaidPerGpuHour)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">{t('market.fee', { pct: rates.feeBps / 100 })}</p>
    </div>
  );
}
