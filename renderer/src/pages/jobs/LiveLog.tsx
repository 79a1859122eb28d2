import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getClient } from '../../api/client';

const MAX_LINES = 500;

/** The end of a job's log, then its new lines as the agent streams them. */
export function LiveLog({ jobId, live }: { jobId: string; live: boolean }) {
  const { t } = useTranslation('jobs');
  const [lines, setLines] = useState<string[]>([]);
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let current = true;
    setLines([]);
    // Lines arrive as events from this agent's own jobs; the stored log, read again every second
    // while the job runs, also covers jobs started by `rigshare job run` in another process.
    const unsubscribe = live
      ? getClient().subscribe('job.log', (l) => {
          if (l.jobId === jobId) setLines((prev) => [...prev, l.line].slice(-MAX_LINES));
        })
      : () => {};
    const read = () =>
      getClient()
        .call('jobs.logs', { id: jobId, maxBytes: 32 * 1024 })
        .then((r) => {
          if (!current) return;
          const text = r.text.endsWith('\n') ? r.text.slice(0, -1) : r.text;
          setLines(text ? text.split('\n').slice(-MAX_LINES) : []);
        })
        .catch(() => {});
    void read();
    const timer = live ? setInterval(() => void read(), 1000) : null;
    return () => {
      current = false;
      if (timer) clearInterval(timer);
      unsubscribe();
    };
  }, [jobId, live]);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <pre
      ref={box}
      className="card"
      data-testid="job-log"
      data-live={live}
      style={{ maxHeight: 280, overflow: 'auto', whiteSpace: 'pre-wrap', margin: 0 }}
    >
      {lines.length ? lines.join('\n') : t('noLog')}
    </pre>
  );
}
