import type { ComponentType } from 'react';
import { EarningsPage } from './earnings/EarningsPage';
import { JobsPage } from './jobs/JobsPage';
import { NetworkPage } from './network/NetworkPage';
import { OverviewPage } from './overview/OverviewPage';
import { SettingsPage } from './settings/SettingsPage';
import { WalletPage } from './wallet/WalletPage';

export interface PageDef {
  id: string;
  /** i18n key in the common namespace, under nav. */
  labelKey: string;
  component: ComponentType;
}

/**
 * The pages the navigation shows, in order. Only pages that work are listed; a capability adds
 * its page here when it is real.
 */
export const pages: PageDef[] = [
  { id: 'overview', labelKey: 'nav.overview', component: OverviewPage },
  { id: 'earnings', labelKey: 'earnings:nav', component: EarningsPage },
  { id: 'network', labelKey: 'network:nav', component: NetworkPage },
  { id: 'jobs', labelKey: 'jobs:nav', component: JobsPage },
  { id: 'wallet', labelKey: 'wallet:nav', component: WalletPage },
  { id: 'settings', labelKey: 'nav.settings', component: SettingsPage },
];
