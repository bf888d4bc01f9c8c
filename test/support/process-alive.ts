/**
 * Whether a process still runs, for tests that check nothing is left behind. An exited child
 * of init stays a zombie until init reaps it, which some inits do late: on Linux a zombie
 * counts as exited.
 */
import { readFileSync } from 'node:fs';

export function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
