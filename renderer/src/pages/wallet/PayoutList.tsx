import { useTranslation } from 'react-i18next';
import type { PayoutView } from '../../../../shared/api/methods/wallet';
import { formatUnits } from '../../../../shared/protocol/money';

const BADGE: Record<PayoutView['status'], string> = {
  verified: 'ok',
  pending: 'warn',
  mismatch: 'error',
  missing: 'error',
  reverted: 'error',
};

/** Every payout with its three-way verdict; the tx links to the network's block explorer. */
export function PayoutList({ payouts, token }: { payouts: PayoutView[]; token: { symbol: string; decimals: number } }) {
  const { t } = useTranslation('wallet');
  if (payouts.length === 0)
    return (
      <p className="card muted" data-testid="payouts-empty">
        {t('payouts.empty')}
      </p>
    );
  return (
    <table className="card" data-testid="payout-list">
      <thead>
        <tr>
          <th>{t('payouts.period')}</th>
          <th>{t('payouts.amount')}</th>
          <th>{t('payouts.status')}</th>
          <th>{t('payouts.tx')}</th>
        </tr>
      </thead>
      <tbody>
        {payouts.map((p) => (
          <tr key={p.statementId} data-testid="payout-row" data-status={p.status}>
            <td>{new Date(p.periodTo).toLocaleDateString()}</td>
            <td>
              {formatUnits(p.amount, token.decimals)} {token.symbol}
            </td>
            <td>
              <span
                className={`badge ${BADGE[p.status]}`}
                data-testid="payout-badge"
                title={p.reasons.map((r) => t(`reason.${r}`)).join(' · ')}
              >
                {t(`status.${p.status}`)}
              </span>
              {p.status === 'pending' && <small> {t('payouts.confirmations', { n: p.confirmations })}</small>}
              {p.status === 'mismatch' && (
                <small data-testid="payout-difference">
                  {' '}
                  {t('payouts.difference', {
                    ledger: formatUnits(p.ledgerAmount, token.decimals),
                    chain: p.chainAmount === null ? '—' : formatUnits(p.chainAmount, token.decimals),
                  })}
                </small>
              )}
            </td>
            <td>
              {p.explorerUrl ? (
                <a href={p.explorerUrl} target="_blank" rel="noreferrer">
                  {p.txHash.slice(0, 10)}…
                </a>
              ) : (
                <code title={p.txHash}>{p.txHash.slice(0, 10)}…</code>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
