/**
 * The Electron entry: wiring only. One window, the core over a utilityProcess worker,
 * IPC to the preload, and a clean quit.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_CHANNEL } from '../../common/api.js';
import { createHearthCore } from '../core/create-core.js';
import { streamEvents } from '../api/event-stream.js';
import { openPrefs } from '../api/prefs.js';
import type { ApiContext } from '../api/context.js';
import { denyPermissions, installCsp } from './csp.js';
import { handleInputs, inputUrlOf, registerInputScheme } from './input-protocol.js';
import { registerIpc } from './ipc.js';
import { lockNavigation } from './navigation.js';
import { showNotices } from './notices.js';
import { installQuitSequence } from './quit.js';
import { isTrustedSender } from './sender.js';
import { createUtilityWorkerHost } from './utility-worker-host.js';
import { windowOptions } from './window-options.js';
import { messageOf } from '../../common/errors.js';
import { systemClock } from '../core/clock.js';
import { createDeviceMonitor } from '../core/devices/monitor.js';
import { runCommand } from '../core/devices/node-sources.js';

// dist/main/electron/main.js → dist/
const dist = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const rendererFile = join(dist, 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
const preloadPath = join(dist, 'preload', 'preload.cjs');
const log = (message: string) => console.error(`[hearth] ${message}`);

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const core = createHearthCore({
    dataDir,
    host: createUtilityWorkerHost((path, args, options) => utilityProcess.fork(path, args, options)),
    workerEntry: process.env.HEARTH_WORKER_ENTRY || join(dist, 'worker', 'entry.js'),
    // nvidia-smi and the CPU only: the GPU probe is a forked Node process, and the desktop app's
    // binary is not a Node to fork (runAsNode is off); Vulkan devices (and their lanes) come once
    // it runs in a utility process.
    devices: createDeviceMonitor({ run: runCommand }, systemClock()),
    devicesSeeEveryGpu: false,
    watchDevices: true,
    resumeDownloads: true,
  });
  installQuitSequence(app, () => core.stop(), log);
  installCsp(session.defaultSession);
  denyPermissions(session.defaultSession);

  let win: BrowserWindow | null = new BrowserWindow(windowOptions(preloadPath));
  lockNavigation(win.webContents, rendererUrl, log);
  win.on('closed', () => {
    win = null;
  });

  const prefs = await openPrefs(dataDir, log);
  const ctx: ApiContext = {
    core,
    prefs,
    dataDir,
    // Every path comes from the user's own drop or file dialog on this machine.
    allowPath: () => true,
    modelFoldersAllowed: true,
    devices: () => core.devices(),
    openPath: (p) => shell.openPath(p),
    showItem: (p) => shell.showItemInFolder(p),
    // The user's own machine and folders: outputs go wherever they choose.
    outputsAnywhere: true,
    inputUrl: inputUrlOf,
    async pickPath(title, folder) {
      const options = {
        title: title ?? (folder ? 'Choose a folder' : 'Choose a file'),
        properties: [folder ? ('openDirectory' as const) : ('openFile' as const)],
      };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
  showNotices(core, {
    Notification,
    prefs,
    focusWindow: () => {
      if (!win || win.isDestroyed()) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    log,
  });
  registerIpc(ipcMain, ctx, (event) => isTrustedSender(event, win, rendererUrl), log);
  handleInputs(protocol, ctx);
  streamEvents(core, prefs, (events) => {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, events);
  });

  win.once('ready-to-show', () => win?.show());
  await win.loadFile(rendererFile);
  // The worker starts after the window shows, so a slow model load never delays the UI.
  await core.start();
}

// Electron takes privileged schemes only before the app is ready.
registerInputScheme(protocol);

// A second copy would fight over the data folder and the journal: it hands over and leaves.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((err: unknown) => {
    dialog.showErrorBox('Hearth could not start', messageOf(err));
    app.exit(1);
  });
}
