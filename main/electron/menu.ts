import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';

/** Standard menus (edit shortcuts need them on macOS) plus a Help link. */
export function installMenu(): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Documentation', click: () => void shell.openExternal('https://github.com/switchboard/switchboard#readme') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
