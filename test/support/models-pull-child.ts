/**
 * `hearth models pull` in a process of its own, run from source (`node --import tsx`), so a test
 * can kill it half-way and run it again: dist/ is not rebuilt for every change.
 */
import { processIo } from '../../main/cli/io.js';
import { modelsPull } from '../../main/cli/models-pull.js';

process.exitCode = await modelsPull(process.argv.slice(2), processIo());
