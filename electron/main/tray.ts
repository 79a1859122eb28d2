import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';

export interface TrayActions {
  open(): void;
  quit(): void;
}

/** The tray menu: bring the window back, or quit (which stops the agent and its jobs). */
export function trayMenuTemplate(actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: 'Open Rigshare', click: () => actions.open() },
    { type: 'separator' },
    { id: 'quit', label: 'Quit', click: () => actions.quit() },
  ];
}

export function createTray(iconPath: string, actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setToolTip('Rigshare');
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(actions)));
  // A click on the icon itself opens the window (Windows and most Linux trays).
  tray.on('click', () => actions.open());
  return tray;
}
