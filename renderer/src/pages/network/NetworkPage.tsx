import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { JoinStepName } from '../../../../shared/api/methods/network';
import { formatUnits, parseUnits } from '../../../../shared/protocol/money';
import { join, leave, loadDiagnostics, loadRates, startNetworkStore, useNetwork } from './network-store';
import { MarketRatesCard } from './MarketRatesCard';
import { WhyNoJobs } from './WhyNoJobs';

const STEP_ORDER = JoinStepName.options;
const DEFAULT_DECIMALS = 6;

/** Join a network with one click, watch the rig work, and ask why no jobs come. */
export function NetworkPage() {
  const { t } = useTranslation('network');
  const { status, directory, steps, error, busy } = useNetwork();
  const [choice, setChoice] = useState('local');
  const [customUrl, setCustomUrl] = useState('');
  const [floor, setFloor] = useState('');
  const [floorError, setFloorError] = useState<string | null>(null);
  useEffect(startNetworkStore, []);
  const joined = status?.joined ?? false;
  useEffect(() => {
    if (joined) void loadRates();
  }, [joined, status?.earnings.jobs]);

  const decimals = status?.earnings.token?.decimals ?? DEFAULT_DECIMALS;
  const symbol = status?.earnings.token?.symbol ?? '';
  const target = choice === 'custom' ? customUrl.trim() : choice;

  const onJoin = () => {
    let units: number | undefined;
    if (floor.trim()) {
      try {
        units = parseUnits(floor, decimals);
      } catch (err) {
        setFloorError((err as Error).message);
        return;
      }
    }
    setFloorError(null);
    void join(target, units);
  };

  return (
    <section className="page" data-testid="page-network">
      <h1>{t('title')}</h1>
      {!status?.joined && (
        <div className="card form" data-testid="join-form">
          <label>
            {t('picker.label')}
            <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="network-picker">
              {directory.map((n) => (
                <option key={n.id} value={n.url}>
                  {n.name}
                </option>
              ))}
              <option value="custom">{t('picker.custom')}</option>
            </select>
          </label>
          {choice === 'custom' && (
            <label>
              {t('picker.url')}
              <input
                value={customUrl}
                onChange={(e) => setCustomUrl(e.target.value)}
                placeholder="https://…"
                data-testid="network-url"
              />
            </label>
          )}
          <p className="muted">{directory.find((n) => n.url === choice)?.description}</p>
          <label>
            {t('floor.label')}
            <input
              value={floor}
              onChange={(e) => setFloor(e.target.value)}
              inputMode="decimal"
              placeholder="0.25"
              data-testid="price-floor"
            />
          </label>
          {floorError && <p className="error">{floorError}</p>}
          <div className="actions">
            <button type="button" onClick={onJoin} disabled={busy || !target} data-testid="join-button">
              {busy ? t('joining') : t('join')}
            </button>
          </div>
        </div>
      )}

      {steps.length > 0 && (
        <ol className="card join-steps" data-testid="join-steps">
          {STEP_ORDER.filter((name) => steps.some((s) => s.step === name)).map((name) => {
            const s = steps.find((x) => x.step === name)!;
            return (
              <li
                key={name}
                data-step={name}
                data-state={s.state}
                className={s.state === 'failed' ? 'error' : undefined}
              >
                <strong>{t(`steps.${name}`)}</strong> — {t(`stepState.${s.state}`)}: {s.detail}
                {s.fix && (
                  <p className="fix" data-testid="join-fix">
                    {s.fix}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {error && (
        <p className="error" data-testid="network-error">
          {error}
        </p>
      )}

      {status?.joined && (
        <div className="card" data-testid="network-status" data-state={status.state}>
          <h2>{status.network?.name}</h2>
          <dl>
            <dt>{t('status.state')}</dt>
            <dd data-testid="work-state">{t(`state.${status.state}`)}</dd>
            <dt>{t('status.job')}</dt>
            <dd data-testid="current-job">{status.jobId ?? '—'}</dd>
            <dt>{t('status.node')}</dt>
            <dd>
              <code>{status.nodeId ?? '—'}</code>
            </dd>
            <dt>{t('status.identity')}</dt>
            <dd>
              <code>{status.identity}</code>
            </dd>
            <dt>{t('status.floor')}</dt>
            <dd>
              {formatUnits(status.priceFloorPerGpuHour ?? 0, decimals)} {symbol}
            </dd>
            <dt>{t('status.earned')}</dt>
            <dd data-testid="network-earned">
              {formatUnits(status.earnings.net, decimals)} {symbol} ({t('status.jobs', { count: status.earnings.jobs })}
              )
            </dd>
            {status.pendingReports > 0 && (
              <>
                <dt>{t('status.pending')}</dt>
                <dd>{status.pendingReports}</dd>
              </>
            )}
          </dl>
          {status.lastError && status.state === 'offline' && <p className="fix">{status.lastError}</p>}
          <div className="actions">
            <button type="button" onClick={() => void loadDiagnostics()} data-testid="why-no-jobs">
              {t('why.button')}
            </button>
            <button type="button" onClick={() => void leave()} disabled={busy} data-testid="leave-button">
              {t('leave')}
            </button>
          </div>
        </div>
      )}
      {status?.joined && <WhyNoJobs />}
      {status?.joined && <MarketRatesCard />}
    </section>
  );
}
