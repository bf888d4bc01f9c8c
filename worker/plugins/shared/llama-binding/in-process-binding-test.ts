/**
 * Lets node-llama-cpp pick its llama.cpp build inside the desktop app's worker.
 *
 * Before it loads a build (every prebuilt one on Linux, GPU ones on Windows), node-llama-cpp
 * test-loads it in a child process (dist/bindings/utils/testBindingBinary.js). Our worker is
 * an Electron utility process, where `electron.utilityProcess` does not exist, so that child
 * comes from child_process.fork: the Electron binary again, told to act as Node by
 * ELECTRON_RUN_AS_NODE. The packaged app turns the runAsNode fuse off (electron-builder.yml),
 * so the child starts a second Hearth instead, never answers, and the plugin fails with
 * NoBinaryFoundError minutes later. Without that fuse nothing in a utility process can start
 * another Node; only main can.
 *
 * So in a utility process the test runs in the worker itself. The worker is already the
 * disposable process that child exists to be: supervised, and when it crashes the job fails
 * as WORKER_CRASHED and the worker restarts (docs/architecture.md). The check is
 * node-llama-cpp's own (binding-probe.ts), and a build that fails it is answered
 * "incompatible" through node-llama-cpp's protocol, so node-llama-cpp goes on to its next
 * build (the CPU one last), exactly as after a failed child test. A build whose check
 * crashed the worker is remembered and not checked again (build-check-memo.ts). Every other
 * fork is left alone.
 */
import { EventEmitter } from 'node:events';
import type * as ChildProcess from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { messageOf } from '../../../../common/errors.js';
import { checkBinding, gpuLabel, loadBinding, type ProbedBinding } from './binding-probe.js';
import type { BuildCheckMemo } from './build-check-memo.js';

type Fork = typeof ChildProcess.fork;

// node-llama-cpp 3.21.1's parent → test-process messages (testBindingBinary.js).
const Build = {
  bindingBinaryPath: z.string(),
  extBackendsPath: z.string().optional(),
  gpu: z.union([z.string(), z.literal(false)]),
};
const TestRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), ...Build }).strict(),
  z.object({ type: z.literal('test'), ...Build }).strict(),
  z.object({ type: z.literal('exit') }).strict(),
]);
type TestRequest = z.infer<typeof TestRequest>;

/** Where a check's failures are told, and what remembers a check that crashed. */
export interface InProcessTestOptions {
  report: (message: string) => void;
  memo?: BuildCheckMemo;
}

/**
 * Stands in for the forked test process: the same messages and exit codes, the check run
 * here. It has no streams, so node-llama-cpp's optional output piping has nothing to do.
 */
function inProcessTest({ report, memo }: InProcessTestOptions): EventEmitter {
  let binding: ProbedBinding | undefined;
  let checking: string | undefined;
  let exited = false;
  const child = Object.assign(new EventEmitter(), {
    pid: process.pid,
    exitCode: null as number | null,
    killed: false,
    stdout: null,
    stderr: null,
    send(message: unknown): boolean {
      void answer(message);
      return true;
    },
    kill(): boolean {
      // A check stuck in native code cannot be stopped from here; node-llama-cpp has given
      // up on it (its timeout) and goes on, so the test simply ends. Its memo note stays:
      // a build that hangs its check is as unusable as one that crashes it.
      child.killed = true;
      end(null);
      return true;
    },
  });
  function reply(message: { type: 'ready' | 'loaded' | 'done' }): void {
    setImmediate(() => {
      if (!exited) child.emit('message', message);
    });
  }
  function end(code: number | null): void {
    if (exited) return;
    exited = true;
    child.exitCode = code;
    setImmediate(() => child.emit('exit', code, code === null ? 'SIGKILL' : null));
  }
  function checked(): void {
    if (checking !== undefined) memo?.end(checking);
    checking = undefined;
  }
  function fail(gpu: string | false, why: string): void {
    checked();
    report(`The ${gpuLabel(gpu)} build of llama.cpp cannot run on this machine: ${why}`);
    end(1);
  }
  async function answer(raw: unknown): Promise<void> {
    const parsed = TestRequest.safeParse(raw);
    if (!parsed.success) {
      report(`node-llama-cpp sent its binding test a message this Hearth does not know: ${JSON.stringify(raw)}`);
      end(1);
      return;
    }
    const request: TestRequest = parsed.data;
    if (request.type === 'exit') return end(0);
    try {
      if (request.type === 'start') {
        const crashed = memo?.crashedBefore(request.bindingBinaryPath);
        if (crashed !== undefined) return fail(request.gpu, crashed);
        checking = request.bindingBinaryPath;
        memo?.begin(checking);
        binding = loadBinding(request.bindingBinaryPath);
        return reply({ type: 'loaded' });
      }
      if (!binding) return fail(request.gpu, 'the add-on was not loaded before the test');
      await checkBinding(binding, request.bindingBinaryPath, request.extBackendsPath, request.gpu);
      checked();
      reply({ type: 'done' });
    } catch (e) {
      fail(request.gpu, messageOf(e));
    }
  }
  reply({ type: 'ready' });
  return child;
}

function isBindingTest(modulePath: unknown, rest: unknown[]): boolean {
  const file = modulePath instanceof URL ? fileURLToPath(modulePath) : String(modulePath);
  if (!basename(file).startsWith('testBindingBinary') || !file.includes('node-llama-cpp')) return false;
  const options = rest.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg)) as
    { env?: Record<string, string | undefined> } | undefined;
  return options?.env?.TEST_BINDING_CP === 'true';
}

let current: InProcessTestOptions = { report: () => undefined };
let installed = false;

/**
 * Makes node-llama-cpp's binding test run in this process from now on. Safe to call again:
 * later calls only change where failures are told and what remembers crashes.
 */
export function answerBindingTestsInProcess(options: InProcessTestOptions): void {
  current = options;
  if (installed) return;
  installed = true;
  const childProcess = createRequire(import.meta.url)('node:child_process') as { fork: Fork };
  const original = childProcess.fork;
  childProcess.fork = function fork(modulePath: unknown, ...rest: unknown[]) {
    if (isBindingTest(modulePath, rest)) return inProcessTest(current);
    return Reflect.apply(original, childProcess, [modulePath, ...rest]) as unknown;
  } as Fork;
  // node-llama-cpp imports fork as an ES binding; this points those bindings at ours.
  syncBuiltinESMExports();
}
