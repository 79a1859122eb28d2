import type { PartialHandlers } from '../handlers';
import type { WalletDesk } from './desk';

type WalletMethod = 'wallet.get' | 'wallet.watch' | 'wallet.confirmBackup' | 'wallet.exportCsv' | 'wallet.uptime';

/** The wallet's app API. Nothing here returns key material: views carry addresses and verdicts only. */
export function walletHandlers(desk: WalletDesk): PartialHandlers<WalletMethod> {
  return {
    'wallet.get': async () => desk.view(),
    'wallet.watch': async ({ address }) => {
      desk.watch(address);
      return desk.view();
    },
    'wallet.confirmBackup': async ({ password, words }) => {
      await desk.confirmBackup(password, words);
      return desk.view();
    },
    'wallet.exportCsv': async () => desk.csv(),
    'wallet.uptime': async ({ days }) => desk.uptimeReport(days),
  };
}
