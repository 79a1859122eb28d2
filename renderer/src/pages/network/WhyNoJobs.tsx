import { useTranslation } from 'react-i18next';
import { formatUnits } from '../../../../shared/protocol/money';
import { useNetwork } from './network-store';

/** "Why no jobs?": the network's own answer for this rig, and what to change. */
export function WhyNoJobs() {
  const { t } = useTranslation('network');
  const { diagnostics, status } = useNetwork();
  if (!diagnostics) return null;
  const decimals = status?.earnings.token?.decimals ?? 6;
  return (
    <div className="card" data-testid="diagnostics">
      <h2>{t('why.title')}</h2>
      <p data-testid="diagnostics-verdict">{diagnostics.verdict}</p>
      <p className="muted">
        {t('why.queue', { total: diagnostics.queue.total, matching: diagnostics.queue.matching })}
      </p>
      {diagnostics.summary.length > 0 && (
        <ul data-testid="diagnostics-summary">
          {diagnostics.summary.map((s) => (
            <li key={s.reason} data-reason={s.reason}>
              <strong>{t(`reason.${s.reason}`)}</strong> ({t('why.jobs', { count: s.jobs })}): {s.advice}
            </li>
          ))}
        </ul>
      )}
      {diagnostics.passedOver.length > 0 && (
        <details>
          <summary>{t('why.passedOver', { count: diagnostics.passedOver.length })}</summary>
          <table>
            <tbody>
              {diagnostics.passedOver.map((p) => (
                <tr key={p.jobId}>
                  <td>
                    <code>{p.jobId}</code>
                  </td>
                  <td>{formatUnits(p.offerPerGpuHour, decimals)}</td>
                  <td>{p.reasons.map((r) => t(`reason.${r}`)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
