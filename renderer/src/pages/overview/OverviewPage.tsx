import { useTranslation } from 'react-i18next';
import { overviewSections } from './sections';

export function OverviewPage() {
  const { t } = useTranslation('overview');
  return (
    <section className="page" data-testid="page-overview">
      <h1>{t('title')}</h1>
      <div className="sections">
        {overviewSections.map(({ id, component: Section }) => (
          <Section key={id} />
        ))}
      </div>
    </section>
  );
}
