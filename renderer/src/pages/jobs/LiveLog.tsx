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
    const pending: string[] = [];
    setLines([]);
    const unsubscribe = live
      ? getClient().subscribe('job.log', (l) => {
          if (l.jobId !== jobId) return;
          pending.push(l.line);
          setLines((prev) => [...prev, ...pending.splice(0)].slice(-MAX_LINES));
        })
      : () => {};
    getClient()
      .call('jobs.logs', { id: jobId, maxBytes: 32 * 1024 })
      .then((r) => {
        if (!current) return;
        const text = r.text.endsWith('\n') ? r.text.slice(0, -1) : r.text;
        setLines((streamed) => {
          const stored = text ? text.split('\n') : [];
          // Lines streamed before the stored tail arrived are usually in it already.
          const fresh = streamed.filter((line) => !stored.includes(line));
          return [...stored, ...fresh].slice(-MAX_LINES);
        });
      })
      .catch(() => {});
    return () => {
      current = false;
      unsubscribe();
    };
  }, [jobId, live]);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <pre ref={box} className="card" data-testid="job-log" data-live={live} style={{ maxHeight: 280, overflow: 'auto', whiteSpace: 'pre-wrap', margin: 0 }}>
      {lines.length ? lines.join('\n') : t('noLog')}
    </pre>
  );
}
