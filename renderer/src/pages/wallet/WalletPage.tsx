import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WalletView } from '../../../../shared/api/methods/wallet';
import { formatUnits } from '../../../../shared/protocol/money';
import type { UptimeReport } from '../../../../shared/wallet/uptime';
import { getClient } from '../../api/client';
import { useFormat } from '../../hooks/useFormat';
import { AddressCard } from './AddressCard';
import { BackupFlow } from './BackupFlow';
import { PayoutList } from './PayoutList';
import { UptimeChart } from './UptimeChart';

const REFRESH_MS = 10_000;

/** Earnings by the ledger, what the network says it paid, what the chain shows, and whether they agree. */
export function WalletPage() {
  const { t } = useTranslation('wallet');
  const fmt = useFormat();
  const [view, setView] = useState<WalletView | null>(null);
  const [uptime, setUptime] = useState<UptimeReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [watchAddress, setWatchAddress] = useState('');

  const load = useCallback(async () => {
    try {
      const [v, u] = await Promise.all([
        getClient().call('wallet.get', {}),
        getClient().call('wallet.uptime', { days: 30 }),
      ]);
      setView(v);
      setUptime(u);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const exportCsv = async (): Promise<void> => {
    const { filename, csv } = await getClient().call('wallet.exportCsv', {});
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    URL.revokeObjectURL(url);
  };

  const watch = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      setView(await getClient().call('wallet.watch', { address: watchAddress.trim() }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!view)
    return (
      <section className="page" data-testid="page-wallet">
        {error ? <p className="card error">{error}</p> : t('loading')}
      </section>
    );
  const token = view.token;
  const units = (n: number | string | null): string => (n === null ? '—' : formatUnits(Number(n), token.decimals));
  const local = (n: number): string | null =>
    view.localPerToken === null ? null : fmt.money((n / 10 ** token.decimals) * view.localPerToken);
  const w = view.wallet;

  return (
    <section className="page" data-testid="page-wallet">
      <h2>{t('title')}</h2>
      {error && (
        <p className="card error" role="alert">
          {error}
        </p>
      )}
      {view.chain.state !== 'ok' && (
        <p className="card warn" data-testid="chain-status" data-state={view.chain.state} role="status">
          {view.chain.state === 'unavailable'
            ? t('chain.unavailable', { message: view.chain.message })
            : t('chain.unconfigured', { message: view.chain.message })}
        </p>
      )}
      {view.network.problem && (
        <p className="card warn" data-testid="network-status">
          {view.network.problem}
        </p>
      )}
      <div className="sections">
        {w.state === 'ready' && <AddressCard address={w.address} kind={w.kind} />}
        {w.state === 'corrupt' && (
          <p className="card error" data-testid="wallet-corrupt">
            {w.message}
          </p>
        )}
        {w.state === 'none' && (
          <form className="card" data-testid="wallet-none" onSubmit={(e) => void watch(e)}>
            <h3>{t('none.title')}</h3>
            <p>{t('none.intro')}</p>
            <code>rigshare wallet create</code> · <code>rigshare wallet import</code>
            <label>
              {t('none.watch')}
              <input
                value={watchAddress}
                onChange={(e) => setWatchAddress(e.target.value)}
                placeholder="0x…"
                data-testid="watch-input"
              />
            </label>
            <button type="submit">{t('none.watchButton')}</button>
          </form>
        )}
        <div className="card" data-testid="wallet-balances">
          <h3>{t('balances.title')}</h3>
          <p data-testid="balance-token">
            {units(view.balances.token)} {token.symbol}
            {view.balances.token !== null && local(Number(view.balances.token)) && (
              <span className="muted"> ≈ {local(Number(view.balances.token))}</span>
            )}
          </p>
          <p className="muted" data-testid="balance-native">
            {view.balances.native === null ? '—' : formatUnits(Number(BigInt(view.balances.native) / 10n ** 9n), 9)}{' '}
            {t('balances.native')}
          </p>
        </div>
        <div className="card" data-testid="wallet-earnings">
          <h3>{t('earnings.title')}</h3>
          <p>
            {t('earnings.earned')}:{' '}
            <strong>
              {units(view.earnings.earned)} {token.symbol}
            </strong>{' '}
            ({t('earnings.jobs', { n: view.earnings.jobs })})
          </p>
          <p data-testid="earnings-paid">
            {t('earnings.paid')}: {units(view.earnings.paid)} {token.symbol}{' '}
            {local(view.earnings.paid) && <span className="muted">≈ {local(view.earnings.paid)}</span>}
          </p>
          <p data-testid="earnings-pending">
            {t('earnings.pending')}: {units(view.earnings.pending)} {token.symbol}
          </p>
          <button type="button" onClick={() => void exportCsv()} data-testid="wallet-export">
            {t('export')}
          </button>
        </div>
      </div>
      {w.state === 'ready' && !w.backupConfirmed && <BackupFlow challenge={w.backupChallenge} onDone={setView} />}
      <h3>{t('payouts.title')}</h3>
      <PayoutList payouts={view.payouts} token={token} />
      {uptime && <UptimeChart report={uptime} />}
    </section>
  );
}
