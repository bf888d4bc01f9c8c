/**
 * For test/llm-fuse-crash.test.ts: runs node-llama-cpp's own binding test
 * (dist/bindings/utils/testBindingBinary.js, its parent side) on the add-on given, with the
 * test answered in this process (worker/plugins/shared/llama-binding/in-process-binding-test.ts) and crashes
 * remembered in the folder given. Prints one JSON line: { passed, reports }. An add-on
 * that takes the process down prints nothing. Run from source: `node --import tsx`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { answerBindingTestsInProcess } from '../../worker/plugins/shared/llama-binding/in-process-binding-test.js';
import { fileBuildCheckMemo } from '../../worker/plugins/shared/llama-binding/build-check-memo.js';

const [memoDir, addonPath, gpu] = process.argv.slice(2);
if (!memoDir || !addonPath || !gpu) throw new Error('usage: binding-test-child <memo dir> <add-on> <gpu>');

const reports: string[] = [];
answerBindingTestsInProcess({ report: (m) => void reports.push(m), memo: fileBuildCheckMemo(memoDir) });

// Not in node-llama-cpp's exports map, so by file: the very module getLlama calls.
const dist = dirname(fileURLToPath(import.meta.resolve('node-llama-cpp')));
const { testBindingBinary } = (await import(pathToFileURL(join(dist, 'bindings/utils/testBindingBinary.js')).href)) as {
  testBindingBinary: (bindingPath: string, extBackendsPath: string | undefined, gpu: string | false) => Promise<boolean>;
};
const passed = await testBindingBinary(addonPath, undefined, gpu === 'false' ? false : gpu);
process.stdout.write(`${JSON.stringify({ passed, reports })}\n`);
