/**
 * Shared set-up for the core's integration tests: a temp data folder with fixture plugins
 * copied into its plugins/, a real core on the real worker bundle, and helpers that wait on
 * events (never on time).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHearthCore, type CreateCoreOptions } from '../main/core/create-core.js';
import type { HearthCore, SubmitRequest } from '../main/core/hearth-core.js';
import { isFinished, type Job, type LogEntry, type WorkerStatus } from '../common/model.js';
import type { DevicesReport } from '../common/devices.js';
import { cpuDevice } from '../main/core/devices/probe-devices.js';
import type { PluginInfo, PluginState } from '../common/protocol.js';
import { findPackageRoot, resolveWorkerEntry } from '../main/core/worker-entry-path.js';

export const FIXTURES = join(findPackageRoot(), 'test', 'fixtures', 'plugins');

export function workerEntry(): string {
  return resolveWorkerEntry();
}

/** A fixture folder, or one copied under another name (the GPU stand-in takes its folder's name as its id). */
export type FixturePlugin = string | { from: string; as: string };

export async function makeDataDir(plugins: FixturePlugin[] = ['testkit']): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-core-'));
  for (const p of plugins) {
    const { from, as } = typeof p === 'string' ? { from: p, as: p } : p;
    await cp(join(FIXTURES, from), join(dir, 'plugins', as), { recursive: true });
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface TestCore {
  core: HearthCore;
  dataDir: string;
  logs: LogEntry[];
}

/** A machine with no GPU: GPU plugins get the CPU fallback lane ('gpu-cpu'), and no probe runs. */
export const NO_GPU = (): Promise<DevicesReport> => Promise.resolve({ devices: [cpuDevice()], notes: [] });

/** One lane's status ('cpu-1' unless told; GPU fixtures run on 'gpu-cpu'). */
export function lane(core: HearthCore, id = 'cpu-1'): WorkerStatus {
  const status = core.workers().find((w) => w.lane === id);
  if (!status)
    throw new Error(
      `no lane ${id}; lanes: ${core
        .workers()
        .map((w) => w.lane)
        .join(', ')}`,
    );
  return status;
}

/** Short grace periods and a fast backoff: the suite must stay quick. */
export function testCore(dataDir: string, opts: Partial<CreateCoreOptions> = {}): TestCore {
  const logs: LogEntry[] = [];
  const core = createHearthCore({
    dataDir,
    workerEntry: workerEntry(),
    cancelGraceMs: 200,
    startTimeoutMs: 30_000,
    pingIntervalMs: 0,
    stopGraceMs: 2000,
    restart: { kind: 'backoff', maxAttempts: 5, baseMs: 10, capMs: 100 },
    devices: NO_GPU,
    cpuWorkers: 1,
    log: (e) => logs.push(e),
    ...opts,
  });
  return { core, dataDir, logs };
}

export function text(t: string, params: Record<string, unknown> = {}, extra: Partial<SubmitRequest> = {}): SubmitRequest {
  return { pluginId: 'testkit', source: { kind: 'text', text: t }, params, ...extra };
}

export async function submit(core: HearthCore, requests: SubmitRequest[]): Promise<Job[]> {
  const out = await core.submit(requests);
  if (!out.ok) throw new Error(`submit failed: ${out.error.code}: ${out.error.message}`);
  return out.value;
}

/** Resolves with the jobs' final snapshots once every one of them has finished. */
export function whenFinished(core: HearthCore, ids: string[]): Promise<Job[]> {
  return new Promise((resolve) => {
    const check = () => {
      const jobs = ids.map((id) => core.getJob(id));
      if (jobs.every((j) => j && isFinished(j.state))) {
        off();
        resolve(jobs as Job[]);
      }
    };
    const off = core.on('job', check);
    check();
  });
}

/** Resolves once a job matches: now, or at a later job event. */
export function whenJob(core: HearthCore, match: (job: Job) => boolean): Promise<Job> {
  const already = core.listJobs().find(match);
  if (already) return Promise.resolve(already);
  return new Promise((resolve) => {
    const off = core.on('job', (job) => {
      if (match(job)) {
        off();
        resolve(job);
      }
    });
  });
}

/** Resolves once a log entry matches: one the test core already kept, or a later one. */
export function whenLog(c: TestCore, match: (entry: LogEntry) => boolean): Promise<LogEntry> {
  const already = c.logs.find(match);
  if (already) return Promise.resolve(already);
  return new Promise((resolve) => {
    const off = c.core.on('log', (entry) => {
      if (match(entry)) {
        off();
        resolve(entry);
      }
    });
  });
}

/** What a fake worker's READY says of the testkit plugin (tests at the process edge). */
export function fakeTestkit(state: Pick<PluginState, 'status' | 'loadCount'>): PluginInfo {
  return {
    id: 'testkit',
    name: 'Test kit',
    version: '1.0.0',
    description: 'fake',
    accepts: ['txt'],
    wantsGpu: false,
    source: 'user',
    configSchema: { type: 'object', properties: {} },
    state: { pluginId: 'testkit', ...state },
  };
}
