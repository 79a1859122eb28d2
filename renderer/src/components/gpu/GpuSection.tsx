import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { GpuCard } from './GpuCard';
import { ReadinessList } from './ReadinessList';
import { startGpuStore, useGpuStore } from './gpu-store';

/** Overview section: a card per GPU with live sparklines, and the readiness checklist. */
export function GpuSection() {
  const { t } = useTranslation('gpu');
  const { inventory, ticks, error } = useGpuStore();
  useEffect(startGpuStore, []);
  if (error) return <div className="card error">{error}</div>;
  if (!inventory) return <div className="card">{t('detecting')}</div>;
  const problems = inventory.tools.filter((tool) => tool.state !== 'ok' && tool.state !== 'missing');
  return (
    <div className="gpu-section" data-testid="gpu-section">
      <h2>{t('title')}</h2>
      {inventory.gpus.length === 0 && (
        <div className="card warn" data-testid="gpu-none">
          {t('none')}
        </div>
      )}
      {problems.map((p) => (
        <div className="card warn" key={p.tool} data-testid={`gpu-tool-${p.tool}`}>
          <p>{p.detail}</p>
          {p.fix && <p className="fix">{p.fix}</p>}
        </div>
      ))}
      <div className="gpu-cards">
        {inventory.gpus.map((gpu) => (
          <GpuCard
            key={`${gpu.vendor}-${gpu.index}`}
            gpu={gpu}
            samples={ticks.flatMap((tick) =>
              tick.samples.filter((s) => s.vendor === gpu.vendor && s.index === gpu.index),
            )}
          />
        ))}
      </div>
      <ReadinessList />
    </div>
  );
}
