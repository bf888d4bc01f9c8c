/**
 * How `hearth run` prints: JSON lines with --json, else text for a person — output on stdout,
 * file by file; progress, ✓/✗ lines and the final tally on stderr.
 */
import { chunkText, resultText, textOf } from '../../common/display-text.js';
import type { Job } from '../../common/model.js';
import type { HearthError } from '../../common/protocol.js';
import type { CliIo } from './io.js';

export type ResultLine =
  | { jobId: string | null; file: string; ok: true; data: unknown; chunks: number; ms: number | undefined; output?: string }
  | { jobId: string | null; file: string; ok: false; error: HearthError };

/** Erase to the end of the line (ANSI EL): what is left of a longer progress line goes. */
const CLEAR_TO_END = '\x1b[K';

export class RunPrinter {
  private midLine = false;
  private lastProgress = new Map<string, string>();
  private lastMessage = new Map<string, string>();
  /** Without a TTY: the stage last printed for each job. */
  private lastStage = new Map<string, string>();
  /** On a TTY: the progress line drawn now (nothing after it yet), or null. */
  private drawn: string | null = null;
  private succeeded = 0;
  private failed = 0;
  /** Text output: the jobs in file order, the one printed live, and what the others said meanwhile. */
  private order: string[] = [];
  private inRun = new Set<string>();
  private live = 0;
  private held = new Map<string, Array<() => void>>();

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  /** The submitted jobs, in the order their output is printed. */
  expect(jobIds: string[]): void {
    this.order = jobIds;
    this.inRun = new Set(jobIds);
  }

  worker(w: { lane: string; pid: number | null; state: string; restarts: number; message?: string | undefined }): void {
    if (this.json) this.line({ type: 'worker', ...w });
    else if (w.state !== 'ready' || w.restarts > 0)
      this.note(w.message ? `${w.lane}: ${w.message}` : `worker ${w.lane} ${w.state} (pid ${w.pid ?? '?'})`);
  }

  chunk(jobId: string, seq: number, data: unknown, final: boolean): void {
    if (this.json) return this.line({ type: 'chunk', jobId, seq, data, final });
    this.inTurn(jobId, () => this.chunkText(data));
  }

  /** Prints now if the job is the live one (or not one of the run's jobs), else when its turn comes. */
  private inTurn(jobId: string | null, print: () => void): void {
    const live = this.order[this.live];
    if (jobId === null || live === undefined || jobId === live || !this.inRun.has(jobId)) return print();
    const held = this.held.get(jobId) ?? [];
    held.push(print);
    this.held.set(jobId, held);
  }

  /** The live job is done: the next one's held output is printed, and so on while they are done too. */
  private nextTurn(finished: string | null): void {
    if (finished === null || this.order[this.live] !== finished) return;
    this.live += 1;
    const next = this.order[this.live];
    if (next === undefined) return;
    const held = this.held.get(next) ?? [];
    this.held.delete(next);
    for (const print of held) print();
  }

  private chunkText(data: unknown): void {
    // As the output view shows it (common/display-text.ts); the empty final chunk adds nothing.
    const text = chunkText(data);
    if (text === '') return;
    this.clearProgress();
    // Data without text is a JSON line of its own.
    if (textOf(data) === undefined) this.endLine();
    this.io.out(text);
    this.midLine = !text.endsWith('\n');
  }

  progress(job: Job, file: string): void {
    const p = job.progress;
    if (!p) return;
    const key = `${p.fraction}|${p.message ?? ''}`;
    if (this.lastProgress.get(job.id) === key) return;
    this.lastProgress.set(job.id, key);
    if (this.json) return this.line({ type: 'progress', jobId: job.id, file, fraction: p.fraction, message: p.message });
    // A plugin may send the stage's message once and then bare fractions.
    const message = p.message ?? this.lastMessage.get(job.id) ?? '';
    this.lastMessage.set(job.id, message);
    const pct = p.fraction === null ? '' : `${Math.round(p.fraction * 100)}% `;
    const text = `${file}: ${pct}${message}`;
    if (this.io.errIsTTY === true) {
      // Drawing now would overwrite a half-printed line of output on the same terminal.
      if (this.midLine) return;
      // One line, redrawn in place: loading an engine is one line that counts up, not nine.
      const width = this.io.errColumns;
      const shown = width !== undefined && width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
      if (shown === this.drawn) return;
      this.io.err(`\r${shown}${CLEAR_TO_END}`);
      this.drawn = shown;
      return;
    }
    // A log file or a pipe gets a line per stage, not per percent.
    if (this.lastStage.get(job.id) === message) return;
    this.lastStage.set(job.id, message);
    this.io.err(`${text}\n`);
  }

  result(r: ResultLine): void {
    if (r.ok) this.succeeded += 1;
    else this.failed += 1;
    if (this.json) {
      if (r.ok) {
        this.line({
          type: 'result',
          jobId: r.jobId,
          file: r.file,
          ok: true,
          data: r.data,
          ...(r.output ? { output: r.output } : {}),
        });
      } else this.line({ type: 'result', jobId: r.jobId, file: r.file, ok: false, error: r.error });
      return;
    }
    this.inTurn(r.jobId, () => {
      this.resultText(r);
      this.nextTurn(r.jobId);
    });
  }

  /** The last line on stderr, with --json too (stdout stays JSON): "40 files: 38 succeeded, 2 failed". */
  tally(): void {
    this.clearProgress();
    this.endLine();
    const files = this.succeeded + this.failed;
    this.io.err(`${files} ${files === 1 ? 'file' : 'files'}: ${this.succeeded} succeeded, ${this.failed} failed\n`);
  }

  private resultText(r: ResultLine): void {
    this.clearProgress();
    this.endLine();
    if (r.ok) {
      // A job that streamed has shown its output already; otherwise the result is the output.
      const text = r.chunks === 0 ? resultText(r.data) : '';
      if (text !== '') this.io.out(text.endsWith('\n') ? text : `${text}\n`);
      const took = r.ms !== undefined ? ` in ${(r.ms / 1000).toFixed(1)} s` : '';
      this.io.err(`✓ ${r.file}${took}${r.output ? ` → ${r.output}` : ''}\n`);
    } else {
      this.io.err(`✗ ${r.file}: ${r.error.message} [${r.error.code}]\n`);
    }
  }

  note(text: string): void {
    if (this.json) return;
    this.clearProgress();
    this.endLine();
    this.io.err(`hearth: ${text}\n`);
  }

  /** Takes the progress line off the terminal before anything else is written there. */
  private clearProgress(): void {
    if (this.drawn === null) return;
    this.io.err(`\r${CLEAR_TO_END}`);
    this.drawn = null;
  }

  private endLine(): void {
    if (this.midLine) this.io.out('\n');
    this.midLine = false;
  }

  private line(value: Record<string, unknown>): void {
    this.io.out(`${JSON.stringify(value)}\n`);
  }
}
