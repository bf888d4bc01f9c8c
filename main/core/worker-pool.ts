/**
 * The lanes' supervisors (main/core/lanes.ts). The CPU lanes exist from the start; the GPU
 * lanes come from a device probe, run the first time a GPU plugin's job waits (or the
 * devices are asked for), so a run of CPU jobs never pays for a GPU runtime's start.
 */
import type { DevicesReport } from '../../common/devices.js';
import { messageOf } from '../../common/errors.js';
import type { LaneKind, WorkerStatus } from '../../common/model.js';
import { Emitter, type Disposer } from './emitter.js';
import { cpuDevice } from './devices/probe-devices.js';
import { fallbackLane, GPU_FALLBACK_LANE, gpuLanes, type LaneSpec } from './lanes.js';
import type { Logger } from './logger.js';
import type { WorkerSupervisor } from './supervisor.js';

export interface Lane {
  spec: LaneSpec;
  supervisor: WorkerSupervisor;
}

export interface WorkerPoolOptions {
  cpu: LaneSpec[];
  makeSupervisor: (spec: LaneSpec) => WorkerSupervisor;
  /** The device report the GPU lanes are planned from. */
  probe: () => Promise<DevicesReport>;
  /** False where the probe cannot see Vulkan/Metal devices (main/core/lanes.ts fallbackLane). */
  probeSeesEveryGpu: boolean;
  log: Logger;
}

interface PoolEvents {
  lane: (lane: Lane) => void;
}

export class WorkerPool {
  private readonly all: Lane[] = [];
  private readonly events: Emitter<PoolEvents>;
  private gpuPlanned: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.events = new Emitter((e) => opts.log.error(`a pool listener threw: ${messageOf(e)}`));
    for (const spec of opts.cpu) this.all.push({ spec, supervisor: opts.makeSupervisor(spec) });
  }

  on<E extends keyof PoolEvents>(event: E, listener: PoolEvents[E]): Disposer {
    return this.events.on(event, listener);
  }

  lanes(): readonly Lane[] {
    return this.all;
  }

  lanesOf(kind: LaneKind): Lane[] {
    return this.all.filter((l) => l.spec.kind === kind);
  }

  /** The first CPU lane: it starts with Hearth and tells what plugins there are. */
  first(): Lane {
    const lane = this.all[0];
    if (!lane) throw new Error('a worker pool needs at least one CPU lane');
    return lane;
  }

  statuses(): WorkerStatus[] {
    return this.all.map((l) => l.supervisor.status());
  }

  /** Plans the GPU lanes once; resolves when they exist. A failed probe leaves the CPU fallback lane. */
  planGpuLanes(): Promise<void> {
    this.gpuPlanned ??= this.opts
      .probe()
      .catch((error: unknown): DevicesReport => {
        this.opts.log.warn(`the device probe failed (${messageOf(error)}): GPU plugins run on the CPU`);
        return { devices: [cpuDevice()], notes: [] };
      })
      .then((report) => {
        if (this.stopped) return;
        // All in the pool before the first is announced: whoever hears of one sees every GPU lane.
        const added = gpuLanes(report, this.opts.probeSeesEveryGpu).map((spec) => this.push(spec));
        for (const lane of added) this.events.emit('lane', lane);
      });
    return this.gpuPlanned;
  }

  /** The CPU lane for GPU plugins, made when first needed (a chosen GPU that is gone). */
  fallback(): Lane | undefined {
    const there = this.all.find((l) => l.spec.id === GPU_FALLBACK_LANE);
    if (there || this.stopped) return there;
    const lane = this.push(fallbackLane(this.opts.probeSeesEveryGpu));
    this.events.emit('lane', lane);
    return lane;
  }

  private push(spec: LaneSpec): Lane {
    const lane = { spec, supervisor: this.opts.makeSupervisor(spec) };
    this.all.push(lane);
    this.opts.log.info(`lane ${spec.id} on ${spec.deviceName}`);
    return lane;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all(this.all.map((l) => l.supervisor.stop(graceMs)));
  }
}
