import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatUnits } from '../../../../shared/protocol/money';
import { startNetworkStore, useNetwork } from './network-store';

/** Overview card: what this rig has earned on its network so far, from its own ledger. */
export function EarningsSoFar() {
  const { t } = useTranslation('network');
  const status = useNetwork((s) => s.status);
  useEffect(startNetworkStore, []);
  if (!status) return null;
  const token = status.earnings.token;
  return (
    <div className="card" data-testid="earnings-so-far">
      <h2>{t('overview.title')}</h2>
      {status.joined || status.earnings.jobs > 0 ? (
        <p>
          <span className="big" data-testid="earned-amount">
            {formatUnits(status.earnings.net, token?.decimals ?? 6)} {token?.symbol ?? ''}
          </span>{' '}
          {t('overview.jobs', { count: status.earnings.jobs })} · {t(`state.${status.state}`)}
        </p>
      ) : (
        <p className="muted">{t('overview.notJoined')}</p>
      )}
    </div>
  );
}
