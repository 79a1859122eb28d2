import { useTranslation } from 'react-i18next';
import { checkReadiness, useGpuStore } from './gpu-store';

export function ReadinessList() {
  const { t } = useTranslation('gpu');
  const { readiness, checking } = useGpuStore();
  return (
    <div className="card readiness" data-testid="readiness">
      <h3>{t('readiness.title')}</h3>
      {!readiness && <p>{t('readiness.checking')}</p>}
      <ul>
        {readiness?.map((c) => (
          <li key={c.check} className={c.ok ? 'ok' : 'warn'} data-testid={`readiness-${c.check}`} data-ok={c.ok}>
            <strong>
              {c.ok ? '✓' : '✗'} {t(`readiness.${c.check}`)}
            </strong>{' '}
            <span>{c.detail}</span>
            {!c.ok && c.fix && <p className="fix">{c.fix}</p>}
          </li>
        ))}
      </ul>
      <button
        type="button"
        disabled={checking}
        onClick={() => void checkReadiness(true)}
        data-testid="readiness-recheck"
      >
        {t('readiness.again')}
      </button>
    </div>
  );
}
