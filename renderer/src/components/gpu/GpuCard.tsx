import { useTranslation } from 'react-i18next';
import type { Gpu, GpuSample } from '../../../../shared/gpu/types';
import { useFormat } from '../../hooks/useFormat';
import { Sparkline } from './Sparkline';

interface GpuCardProps {
  gpu: Gpu;
  /** This card's readings, oldest first. */
  samples: GpuSample[];
}

export function GpuCard({ gpu, samples }: GpuCardProps) {
  const { t } = useTranslation('gpu');
  const fmt = useFormat();
  const last = samples.at(-1);
  const show = (v: number | null | undefined, unit: string) =>
    v === null || v === undefined ? t('noReading') : `${fmt.number(v, 0)} ${unit}`;
  const id = `gpu-${gpu.vendor}-${gpu.index}`;
  return (
    <div className="card gpu-card" data-testid={`gpu-card-${gpu.index}`} data-gpu-key={gpu.key}>
      <h3 data-testid={`${id}-model`}>{gpu.model}</h3>
      <dl>
        <dt>{t('vram')}</dt>
        <dd>{gpu.vramMiB === null ? t('noReading') : fmt.bytes(gpu.vramMiB * 1024 * 1024)}</dd>
        <dt>{t('powerLimit')}</dt>
        <dd>{gpu.powerLimitW === null ? t('noReading') : `${fmt.number(gpu.powerLimitW, 0)} W`}</dd>
        <dt>{t('driver')}</dt>
        <dd>
          {gpu.driver ?? t('noReading')}
          {gpu.cudaVersion ? ` · CUDA ${gpu.cudaVersion}` : ''}
        </dd>
      </dl>
      <div className="telemetry">
        <div>
          <span>{t('temperature')}</span> <strong data-testid={`${id}-temp`}>{show(last?.temperatureC, '°C')}</strong>
          <Sparkline
            values={samples.map((s) => s.temperatureC)}
            min={20}
            max={95}
            label={t('temperature')}
            testId={`${id}-spark-temp`}
          />
        </div>
        <div>
          <span>{t('power')}</span> <strong data-testid={`${id}-power`}>{show(last?.powerW, 'W')}</strong>
          <Sparkline
            values={samples.map((s) => s.powerW)}
            min={0}
            max={gpu.powerLimitW ?? undefined}
            label={t('power')}
            testId={`${id}-spark-power`}
          />
        </div>
        <div>
          <span>{t('utilization')}</span> <strong data-testid={`${id}-util`}>{show(last?.utilizationPct, '%')}</strong>
          <Sparkline
            values={samples.map((s) => s.utilizationPct)}
            min={0}
            max={100}
            label={t('utilization')}
            testId={`${id}-spark-util`}
          />
        </div>
      </div>
    </div>
  );
}
