/** The desktop app's GPU probe over a stand-in utility process that strips its listeners at exit as Electron does. */
import { describe, expect, it, vi } from 'vitest';
import { StandInUtilityProcess } from '../../test/support/electron-utility-process.js';
import { utilityGpuProbe } from './gpu-probe.js';

vi.mock('electron', () => ({}));

const tick = () => new Promise((r) => setImmediate(r));
const ANSWER = { backend: 'vulkan', names: ['Mesa llvmpipe'], vram: { total: 8, used: 1, free: 7 } };

describe('GPU probe in a utility process', () => {
  it('forks the probe as a named utility process and reads the answer written just before its exit', async () => {
    const child = new StandInUtilityProcess();
    const fork = vi.fn(() => child);
    const asked = utilityGpuProbe(fork, '/dist/worker/gpu-probe.js')();
    expect(fork).toHaveBeenCalledWith('/dist/worker/gpu-probe.js', [], { stdio: 'pipe', serviceName: 'Hearth GPU probe' });
    child.emit('exit', 0);
    // The line reaches the pipe after the exit, in a later task, as a socket's read does.
    await tick();
    child.out.end(`loading…\n${JSON.stringify(ANSWER)}\n`);
    expect(await asked).toEqual(ANSWER);
  });

  it('says so when the probe dies without an answer, or answers nonsense', async () => {
    const dead = new StandInUtilityProcess();
    const a = utilityGpuProbe(() => dead as never, '/p.js')();
    dead.emit('exit', 11);
    await tick();
    dead.out.end();
    await expect(a).rejects.toThrow(/ended without an answer \(exit 11\)/);

    const odd = new StandInUtilityProcess();
    const b = utilityGpuProbe(() => odd as never, '/p.js')();
    odd.out.end('{"backend": 42}\n');
    await expect(b).rejects.toThrow(/does not understand/);
  });

  it('kills a probe that never answers', async () => {
    const stuck = new StandInUtilityProcess();
    const asked = utilityGpuProbe(() => stuck as never, '/p.js', 20)();
    await expect(asked).rejects.toThrow(/no answer within/);
    expect(stuck.kills).toBe(1);
  });

  it('reports a probe whose driver query failed as no GPU backend, with the reason', async () => {
    const child = new StandInUtilityProcess();
    const asked = utilityGpuProbe(() => child as never, '/p.js')();
    child.out.end(`${JSON.stringify({ backend: 'vulkan', names: [], vram: null, error: 'vkCreateInstance failed' })}\n`);
    expect(await asked).toMatchObject({ backend: false, error: 'vkCreateInstance failed' });
  });
});
