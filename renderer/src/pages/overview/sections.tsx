import type { ComponentType } from 'react';
import { GpuSection } from '../../components/gpu/GpuSection';
import { EarningsSoFar } from '../network/EarningsSoFar';
import { DockerSection } from './DockerSection';
import { SystemSection } from './SystemSection';

/** The Overview is a column of sections; each capability contributes its own. */
export const overviewSections: { id: string; component: ComponentType }[] = [
  { id: 'gpu', component: GpuSection },
  { id: 'network-earnings', component: EarningsSoFar },
  { id: 'docker', component: DockerSection },
  { id: 'system', component: SystemSection },
];
