import { useTranslation } from 'react-i18next';
import { systemInfo } from '../../stores/system';

/** Whether jobs can run at all, and what to do when they cannot. */
export function DockerSection() {
  const { t } = useTranslation('overview');
  const { data, error } = systemInfo.use();
  if (error) return <div className="card error">{error}</div>;
  if (!data) return <div className="card">{t('loading')}</div>;
  const docker = data.docker;
  return (
    <div className={`card ${docker.reachable ? 'ok' : 'warn'}`} data-testid="docker-card">
      <h2>{t('docker.title')}</h2>
      <p data-testid="docker-status">
        {docker.reachable
          ? t('docker.reachable', { flavour: docker.flavour === 'podman' ? 'Podman' : 'Docker' })
          : t('docker.unreachable')}
      </p>
      {docker.reachable && (
        <dl>
          <dt>{t('docker.version')}</dt>
          <dd data-testid="docker-version">{docker.version}</dd>
          <dt>{t('docker.api')}</dt>
          <dd>{docker.apiVersion}</dd>
          <dt>{t('docker.socket')}</dt>
          <dd>
            <code>{docker.socket}</code>
          </dd>
        </dl>
      )}
      {!docker.reachable && (
        <div className="fix" data-testid="docker-fix">
          <p>{docker.error}</p>
          <p>{t('docker.fix')}</p>
        </div>
      )}
    </div>
  );
}
