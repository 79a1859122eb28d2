import { useTranslation } from 'react-i18next';
import type { EstimateView } from '../../../../shared/api/methods/earnings';
import { useFormat } from '../../hooks/useFormat';

export function OfferTable({ view }: { view: EstimateView }) {
  const { t } = useTranslation('earnings');
  const fmt = useFormat();
  const money = (n: number) => fmt.money(n, view.currency);
  const range = (r: { low: number; high: number }) => `${money(r.low)} – ${money(r.high)}`;
  return (
    <table className="card" data-testid="earnings-table">
      <thead>
        <tr>
          <th>{t('network')}</th>
          <th>{t('grossMonth')}</th>
          <th>{t('electricityMonth')}</th>
          <th>{t('netMonth')}</th>
          <th>{t('breakEven')}</th>
        </tr>
      </thead>
      <tbody>
        {view.offers.map((o, i) => (
          <tr
            key={`${o.network}-${o.tier}`}
            className={o.warning ? 'warn' : undefined}
            data-testid={`earnings-offer-${i}`}
          >
            <td>
              <strong>{o.network}</strong> · {o.tier}
              <br />
              <small>
                {t('rate', { low: fmt.money(o.usdPerHour.low, 'USD'), high: fmt.money(o.usdPerHour.high, 'USD') })} ·{' '}
                {t(o.feeAssumed ? 'feeAssumed' : 'fee', { fee: fmt.percent(o.fee) })} · {o.source} ({o.sourceDate})
              </small>
              {o.note && <p className="note">{o.note}</p>}
            </td>
            <td>{range(o.perMonth.gross)}</td>
            <td>{money(o.perMonth.electricity.low)}</td>
            <td data-testid={`earnings-net-${i}`} data-net-low={o.perMonth.net.low} data-net-high={o.perMonth.net.high}>
              {range(o.perMonth.net)}
              {o.warning && <div className="error">{t(`warning.${o.warning}`)}</div>}
            </td>
            <td>{t('perKwh', { range: range(o.breakEvenKwhPrice) })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
