import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobDetail, JobStatus, JobSummary } from '../../../../shared/jobs/result';
import { getClient } from '../../api/client';
import { useFormat } from '../../hooks/useFormat';
import { startJobRows, useJobRows } from './job-rows';
import { LiveLog } from './LiveLog';
import { VirtualJobList } from './VirtualJobList';

const STATUS_CLASS: Partial<Record<JobStatus, string>> = {
  succeeded: 'ok',
  failed: 'error',
  rejected: 'error',
  oom_killed: 'error',
  timed_out: 'warn',
  preempted: 'warn',
};

function duration(job: Pick<JobSummary, 'durationMs' | 'startedAt' | 'finishedAt'>, now: number): number | null {
  if (job.durationMs !== null) return job.durationMs;
  if (job.startedAt !== null && job.finishedAt === null) return now - job.startedAt;
  return null;
}

/** The ledger's jobs, newest first, with the selected job's details and its live log. */
export function JobsPage() {
  const { t } = useTranslation('jobs');
  const fmt = useFormat();
  const total = useJobRows((s) => s.total);
  const error = useJobRows((s) => s.error);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [now, setNow] = useState(Date.now());
  const [preempting, setPreempting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(startJobRows, []);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!selected) return;
    let current = true;
    const load = () =>
      getClient()
        .call('jobs.get', { id: selected })
        .then((d) => current && setDetail(d))
        .catch(() => {});
    void load();
    const unsubscribe = getClient().subscribe('job.progress', (p) => {
      if (p.jobId === selected) void load();
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [selected]);

  // A job run by another process (`rigshare job run`) sends this agent no events: poll it.
  const active = detail !== null && detail.finishedAt === null;
  useEffect(() => {
    if (!active || !selected) return;
    const timer = setInterval(() => {
      getClient()
        .call('jobs.get', { id: selected })
        .then(setDetail)
        .catch(() => {});
    }, 2000);
    return () => clearInterval(timer);
  }, [active, selected]);

  const seconds = (ms: number | null) => (ms === null ? '—' : t('seconds', { value: fmt.number(ms / 1000, 1) }));
  const statusLabel = (s: JobStatus) => t(`status.${s}`);

  return (
    <section className="page" data-testid="page-jobs">
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      {error && <p className="error">{error}</p>}
      <p data-testid="jobs-total">
        {total === null ? t('loading') : t('total', { count: total, formatted: fmt.number(total) })}
      </p>
      {total === 0 ? (
        <p className="card" data-testid="jobs-empty">
          {t('empty')}
        </p>
      ) : (
        <div className="card" style={{ padding: 0 }}>
          <div
            role="row"
            style={{
              display: 'grid',
              gridTemplateColumns: '2fr 1fr 1fr 1.2fr',
              padding: '6px 8px',
              color: 'var(--muted)',
            }}
          >
            <span>{t('col.job')}</span>
            <span>{t('col.status')}</span>
            <span>{t('col.duration')}</span>
            <span>{t('col.created')}</span>
          </div>
          <VirtualJobList
            selected={selected}
            onSelect={setSelected}
            renderRow={(job) =>
              job ? (
                <div
                  data-job-id={job.id}
                  data-status={job.status}
                  style={{
                    display: 'grid',
                    gridTemplateColumns: '2fr 1fr 1fr 1.2fr',
                    alignItems: 'center',
                    height: '100%',
                    padding: '0 8px',
                    cursor: 'pointer',
                    borderBottom: '1px solid var(--line)',
                  }}
                >
                  <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{job.id}</span>
                  <span className={STATUS_CLASS[job.status] ?? ''}>{statusLabel(job.status)}</span>
                  <span>{seconds(duration(job, now))}</span>
                  <span>{new Date(job.createdAt).toLocaleString(fmt.locale)}</span>
                </div>
              ) : (
                <div style={{ padding: '0 8px', color: 'var(--muted)', lineHeight: '34px' }}>…</div>
              )
            }
          />
        </div>
      )}
      {detail && detail.id === selected && (
        <div
          className="card"
          data-testid="job-detail"
          data-status={detail.status}
          style={{ marginTop: 16, display: 'flex', flexDirection: 'column', gap: 8 }}
        >
          <h2 style={{ margin: 0 }}>{detail.id}</h2>
          <div>
            {t('col.status')}: <strong data-testid="job-detail-status">{statusLabel(detail.status)}</strong>
            {detail.exitCode !== null && <> · {t('exitCode', { code: detail.exitCode })}</>} ·{' '}
            {seconds(duration(detail, now))}
          </div>
          <div style={{ overflowWrap: 'anywhere' }}>{detail.image}</div>
          {detail.reason && <div data-testid="job-detail-reason">{detail.reason}</div>}
          {detail.outputs.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>{t('output.path')}</th>
                  <th>{t('output.size')}</th>
                  <th>sha256</th>
                </tr>
              </thead>
              <tbody>
                {detail.outputs.map((o) => (
                  <tr key={o.path}>
                    <td>{o.path}</td>
                    <td>{fmt.bytes(o.bytes)}</td>
                    <td style={{ fontFamily: 'monospace', fontSize: 12 }}>{o.sha256.slice(0, 16)}…</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {detail.status === 'running' && (
            <div className="actions">
              <button
                data-testid="job-preempt"
                disabled={preempting}
                onClick={() => {
                  setPreempting(true);
                  getClient()
                    .call('jobs.preempt', { id: detail.id })
                    .catch((err: Error) => setActionError(err.message))
                    .finally(() => setPreempting(false));
                }}
              >
                {preempting ? t('preempting') : t('preempt')}
              </button>
              {actionError && <span className="error">{actionError}</span>}
            </div>
          )}
          <h3 style={{ margin: 0 }}>{detail.status === 'running' ? t('liveLog') : t('log')}</h3>
          <LiveLog jobId={detail.id} live={detail.status === 'running' || detail.status === 'pulling'} />
        </div>
      )}
    </section>
  );
}
