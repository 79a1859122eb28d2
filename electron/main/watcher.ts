import type { BrowserWindow } from 'electron';

export interface WatchTarget {
  addWatcher(): () => void;
}

/**
 * While the window is on screen it counts as a dashboard watching the agent (live data may
 * refresh faster); hidden or minimised to the tray, it does not.
 */
export function watchWhileVisible(win: BrowserWindow, agent: WatchTarget): void {
  let release: (() => void) | null = null;
  const update = (): void => {
    const visible = !win.isDestroyed() && win.isVisible() && !win.isMinimized();
    if (visible && !release) release = agent.addWatcher();
    if (!visible && release) {
      release();
      release = null;
    }
  };
  win.on('show', update);
  win.on('hide', update);
  win.on('minimize', update);
  win.on('restore', update);
  win.on('closed', () => {
    release?.();
    release = null;
  });
  update();
}
