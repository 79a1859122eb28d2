import { useTranslation } from 'react-i18next';
import type { EstimateView } from '../../../../shared/api/methods/earnings';
import { useFormat } from '../../hooks/useFormat';

const ROW = 28;
const LABEL = 220;
const PLOT = 420;

/** Net per month as a low–high bar per offer, with zero marked so a loss is plain to see. */
export function NetChart({ view }: { view: EstimateView }) {
  const { t } = useTranslation('earnings');
  const fmt = useFormat();
  const nets = view.offers.map((o) => o.perMonth.net);
  const lo = Math.min(0, ...nets.map((n) => n.low));
  const hi = Math.max(0, ...nets.map((n) => n.high));
  const span = hi - lo || 1;
  const x = (v: number) => LABEL + ((v - lo) / span) * PLOT;
  const height = view.offers.length * ROW + 20;
  return (
    <figure className="card" data-testid="earnings-chart">
      <figcaption>{t('chartTitle', { currency: view.currency })}</figcaption>
      <svg
        width={LABEL + PLOT + 10}
        height={height}
        role="img"
        aria-label={t('chartTitle', { currency: view.currency })}
      >
        <line x1={x(0)} x2={x(0)} y1={0} y2={height - 20} stroke="currentColor" strokeDasharray="3 3" />
        {view.offers.map((o, i) => {
          const y = i * ROW + 4;
          const n = o.perMonth.net;
          return (
            <g key={`${o.network}-${o.tier}`}>
              <text x={0} y={y + 14} fontSize="12" fill="currentColor">
                {o.network} · {o.tier}
              </text>
              <rect
                x={x(n.low)}
                y={y}
                width={Math.max(2, x(n.high) - x(n.low))}
                height={ROW - 10}
                fill={n.high < 0 ? 'var(--bad)' : n.low < 0 ? 'var(--warn)' : 'var(--ok)'}
              >
                <title>{`${fmt.money(n.low, view.currency)} – ${fmt.money(n.high, view.currency)}`}</title>
              </rect>
            </g>
          );
        })}
        <text x={x(0)} y={height - 4} fontSize="11" textAnchor="middle" fill="currentColor">
          {fmt.money(0, view.currency)}
        </text>
      </svg>
    </figure>
  );
}
