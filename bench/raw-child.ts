/**
 * Baselines: the bare minimum a Node child process can do over the same IPC channel
 * (fork, serialization 'advanced'), written to a temp file so no Hearth code is involved.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = `
process.on('message', (m) => {
  if (m.type === 'EXECUTE') process.send({ type: 'RESULT', jobId: m.jobId, ok: true, data: { text: m.input.text } });
  else if (m.type === 'STREAM') {
    for (let i = 0; i < m.count; i++) process.send({ type: 'STREAM_CHUNK', jobId: 'b', seq: i, data: { i }, final: false });
    process.send({ type: 'RESULT', jobId: 'b', ok: true, data: { count: m.count } });
  } else if (m.type === 'STOP') process.exit(0);
});
process.send({ type: 'READY' });
`;

export async function writeRawChild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-'));
  const path = join(dir, 'raw-child.mjs');
  await writeFile(path, SCRIPT);
  return path;
}

export function forkRaw(path: string): ChildProcess {
  return fork(path, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
}

export function nextMessage(child: ChildProcess, match: (m: { type?: string }) => boolean = () => true): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (match(m as { type?: string })) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
  });
}
