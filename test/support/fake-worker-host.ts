/**
 * A WorkerHost whose "process" the test drives by hand: say READY, send any message (valid or
 * not), print to stderr, exit with a code or signal. Only the OS edge is faked; the module
 * under test is the real one.
 */
import type { MainToWorker } from '../../common/protocol.js';
import type { Disposer } from '../../main/core/emitter.js';
import type { SpawnOptions, WorkerExitInfo, WorkerHost, WorkerProcess } from '../../main/core/worker-host.js';
import { createHearthCore, type CreateCoreOptions } from '../../main/core/create-core.js';
import type { HearthCore } from '../../main/core/hearth-core.js';

export class FakeWorkerProcess implements WorkerProcess {
  readonly sent: MainToWorker[] = [];
  readonly kills: string[] = [];
  private readonly message = new Set<(m: unknown) => void>();
  private readonly exitL = new Set<(i: WorkerExitInfo) => void>();
  private readonly stdout = new Set<(l: string) => void>();
  private readonly stderr = new Set<(l: string) => void>();
  private readonly error = new Set<(e: Error) => void>();
  private gone = false;

  constructor(
    readonly pid: number,
    readonly options: SpawnOptions,
    /** Answers the messages main sends, like a worker would. */
    private readonly script?: (message: MainToWorker, proc: FakeWorkerProcess) => void,
  ) {}

  postMessage(message: MainToWorker): void {
    if (this.gone) throw new Error('channel closed');
    this.sent.push(message);
    this.script?.(message, this);
  }
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.kills.push(signal);
    queueMicrotask(() => this.exit(null, signal));
  }
  onMessage = (l: (m: unknown) => void): Disposer => add(this.message, l);
  onExit = (l: (i: WorkerExitInfo) => void): Disposer => add(this.exitL, l);
  onStdout = (l: (line: string) => void): Disposer => add(this.stdout, l);
  onStderr = (l: (line: string) => void): Disposer => add(this.stderr, l);
  onError = (l: (e: Error) => void): Disposer => add(this.error, l);

  emit(message: unknown): void {
    for (const l of this.message) l(message);
  }
  printErr(line: string): void {
    for (const l of this.stderr) l(line);
  }
  exit(code: number | null, signal: string | null = null): void {
    if (this.gone) return;
    this.gone = true;
    for (const l of this.exitL) l({ code, signal });
  }
}

export class FakeWorkerHost implements WorkerHost {
  readonly spawned: FakeWorkerProcess[] = [];
  private nextPid = 1000;
  constructor(private readonly script?: (message: MainToWorker, proc: FakeWorkerProcess) => void) {}
  spawn(options: SpawnOptions): FakeWorkerProcess {
    const proc = new FakeWorkerProcess(this.nextPid++, options, this.script);
    this.spawned.push(proc);
    return proc;
  }
  get last(): FakeWorkerProcess {
    const p = this.spawned[this.spawned.length - 1];
    if (!p) throw new Error('nothing spawned yet');
    return p;
  }
}

function add<T>(set: Set<T>, l: T): Disposer {
  set.add(l);
  return () => set.delete(l);
}

/**
 * A real core over a FakeWorkerHost, set for tests that script the worker's side: no pings, a
 * short stop grace, the journal in memory unless a test names another.
 */
export function coreOverFakeHost(dataDir: string, host: WorkerHost, opts: Partial<CreateCoreOptions> = {}): HearthCore {
  return createHearthCore({
    dataDir,
    host,
    workerEntry: '/fake/entry.js',
    journal: 'memory',
    pingIntervalMs: 0,
    stopGraceMs: 50,
    ...opts,
  });
}
