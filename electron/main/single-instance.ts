import type { App } from 'electron';

/**
 * One Rigshare per user: two agents would fight over the GPU, the ledger and the settings
 * file. A second launch hands over to the first (which shows its window) and quits.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>,
  focusFirst: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusFirst());
  return true;
}
