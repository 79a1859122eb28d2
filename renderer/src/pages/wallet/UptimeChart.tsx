import { useTranslation } from 'react-i18next';
import type { UptimeReport } from '../../../../shared/wallet/uptime';

const W = 560;
const H = 160;
const PAD = 24;

/** Daily uptime as bars, with the SLA target as a line across them. */
export function UptimeChart({ report }: { report: UptimeReport }) {
  const { t } = useTranslation('wallet');
  const days = report.days;
  const bw = days.length ? (W - PAD * 2) / days.length : 0;
  const y = (ratio: number): number => PAD + (1 - ratio) * (H - PAD * 2);
  return (
    <div className="card" data-testid="uptime-card">
      <h3>{t('uptime.title')}</h3>
      <p>
        {t('uptime.month', {
          achieved: (report.month.achieved * 100).toFixed(2),
          target: (report.target * 100).toFixed(1),
          tier: report.tier,
        })}
      </p>
      {report.month.state !== 'ok' && (
        <p className="card warn" data-testid="uptime-warning" role="status">
          {t(`uptime.${report.month.state}`, { best: (report.month.bestPossible * 100).toFixed(2) })}
        </p>
      )}
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('uptime.title')} data-testid="uptime-chart">
        {days.map((d, i) => (
          <rect
            key={d.day}
            x={PAD + i * bw + 1}
            y={y(d.ratio)}
            width={Math.max(1, bw - 2)}
            height={H - PAD - y(d.ratio)}
            fill={d.ratio >= report.target ? 'var(--ok)' : 'var(--warn)'}
          >
            <title>{`${d.day}: ${(d.ratio * 100).toFixed(2)}%`}</title>
          </rect>
        ))}
        <line
          x1={PAD}
          x2={W - PAD}
          y1={y(report.target)}
          y2={y(report.target)}
          stroke="var(--bad)"
          strokeDasharray="4 3"
          data-testid="sla-line"
        />
        <text x={W - PAD} y={y(report.target) - 4} textAnchor="end" fontSize="10" fill="currentColor">
          {t('uptime.sla', { target: (report.target * 100).toFixed(1) })}
        </text>
      </svg>
      {report.incidents.length > 0 && (
        <ul data-testid="uptime-incidents">
          {report.incidents.slice(-10).map((i) => (
            <li key={i.from}>
              {new Date(i.from).toLocaleString()} — {Math.round(i.durationMs / 60_000)} min — {t(`cause.${i.cause}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
