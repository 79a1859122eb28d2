import { useTranslation } from 'react-i18next';
import { useFormat } from '../../hooks/useFormat';
import { systemInfo } from '../../stores/system';

export function SystemSection() {
  const { t } = useTranslation('overview');
  const fmt = useFormat();
  const { data } = systemInfo.use();
  if (!data) return null;
  return (
    <div className="card" data-testid="system-card">
      <h2>{t('system.title')}</h2>
      <dl>
        <dt>{t('system.os')}</dt>
        <dd>
          {data.os.distro} {data.os.release} ({data.os.arch})
        </dd>
        <dt>{t('system.cpu')}</dt>
        <dd>{t('system.cpuValue', { model: data.cpu.model, cores: fmt.number(data.cpu.cores) })}</dd>
        <dt>{t('system.memory')}</dt>
        <dd>
          {t('system.freeOf', { free: fmt.bytes(data.memory.freeBytes), total: fmt.bytes(data.memory.totalBytes) })}
        </dd>
        <dt>{t('system.disk')}</dt>
        <dd data-testid="disk-free">
          {data.disk.freeBytes === null
            ? t('system.unknown')
            : t('system.freeOf', { free: fmt.bytes(data.disk.freeBytes), total: fmt.bytes(data.disk.totalBytes ?? 0) })}
        </dd>
        <dt>{t('system.dataDir')}</dt>
        <dd>
          <code>{data.agent.dataDir}</code>
        </dd>
      </dl>
    </div>
  );
}
