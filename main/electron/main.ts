/**
 * The Electron entry: wiring only. One window showing the renderer from the app scheme, the
 * core over utilityProcess workers, IPC to the preload, and a clean quit.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL } from '../../common/api.js';
import { printProblems } from '../cli/print-log.js';
import { createHearthCore } from '../core/create-core.js';
import { streamEvents } from '../api/event-stream.js';
import { openPrefs } from '../api/prefs.js';
import type { ApiContext } from '../api/context.js';
import { handleApp } from './app-protocol.js';
import { watchChildGone } from './child-gone.js';
import { utilityGpuProbe } from './gpu-probe.js';
import { handleInputs, inputUrlOf } from './input-protocol.js';
import { registerIpc } from './ipc.js';
import { adoptLegacyDataFolder } from './legacy-data.js';
import { showNotices } from './notices.js';
import { installPermissions } from './permissions.js';
import { installQuitSequence } from './quit.js';
import { registerSchemes } from './schemes.js';
import { isTrustedSender } from './sender.js';
import { createUtilityWorkerHost } from './utility-worker-host.js';
import { createWindowKeeper } from './window-keeper.js';
import { windowOptions } from './window-options.js';
import { messageOf } from '../../common/errors.js';
import { systemClock } from '../core/clock.js';
import { createDeviceMonitor } from '../core/devices/monitor.js';
import { runCommand } from '../core/devices/node-sources.js';

// dist/main/electron/main.js → dist/
const dist = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const rendererDir = join(dist, 'renderer');
const preloadPath = join(dist, 'preload', 'preload.cjs');
const gpuProbe = join(dist, 'worker', 'gpu-probe.js');
const log = (message: string) => console.error(`[hearth] ${message}`);

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const core = createHearthCore({
    dataDir,
    host: createUtilityWorkerHost((path, args, options) => utilityProcess.fork(path, args, options), {
      childGone: watchChildGone(app),
    }),
    workerEntry: process.env.HEARTH_WORKER_ENTRY || join(dist, 'worker', 'entry.js'),
    // nvidia-smi, the CPU, and Vulkan/Metal devices asked by the probe in a utility process.
    devices: createDeviceMonitor(
      { run: runCommand, askLlama: utilityGpuProbe((path, args, options) => utilityProcess.fork(path, args, options), gpuProbe) },
      systemClock(),
    ),
    watchDevices: true,
    resumeDownloads: true,
    // Damaged data files found at start are said on stderr too, with their paths, not only in the window's log.
    log: printProblems((line) => console.error(line)),
  });
  installQuitSequence(app, () => core.stop(), log);
  const windows = createWindowKeeper(() => new BrowserWindow(windowOptions(preloadPath)), log);
  installPermissions(session.defaultSession, () => windows.current());
  handleApp(protocol, rendererDir);

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
      const win = windows.current();
      const r = win ? await dialog.showOpenDialog(win as BrowserWindow, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
  const bringForward = () =>
    void windows.bringForward().catch((err: unknown) => log(`could not show the window: ${messageOf(err)}`));
  showNotices(core, { Notification, prefs, focusWindow: bringForward, log });
  registerIpc(ipcMain, ctx, (event) => isTrustedSender(event, windows.current()), log);
  handleInputs(protocol, ctx);
  streamEvents(core, prefs, (events) => windows.current()?.webContents.send(EVENT_CHANNEL, events));
  // A second launch hands over to this one (below); the dock icon on macOS reopens a closed window.
  app.on('second-instance', bringForward);
  app.on('activate', bringForward);

  await windows.bringForward();
  // The worker starts after the window shows, so a slow model load never delays the UI.
  await core.start();
}

// Electron takes privileged schemes only before the app is ready, and in one call.
registerSchemes(protocol);
adoptLegacyDataFolder(app.getPath('userData'), join(app.getPath('appData'), 'hearth'), log);

// A second copy would fight over the data folder and the journal: it hands over and leaves.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((err: unknown) => {
    dialog.showErrorBox('Hearth could not start', messageOf(err));
    app.exit(1);
  });
}
