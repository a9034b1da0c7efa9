/** Which of the process's options a worker thread is given when it must load tsx itself. */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'node:test';
import { loaderOptions, threadModule } from './worker-thread.js';

describe('worker-thread options', () => {
  it('keeps module-loading options and drops the process-wide ones threads refuse', () => {
    assert.deepEqual(
      loaderOptions(['--expose-gc', '--import', 'x.mjs', '--max-old-space-size=512', '--conditions=dev', '-r', 'y.cjs', '--experimental-vm-modules', '--enable-source-maps', '--inspect']),
      ['--import', 'x.mjs', '--conditions=dev', '-r', 'y.cjs', '--experimental-vm-modules', '--enable-source-maps'],
    );
  });

  it('a thread started with the kept options runs, where the raw ones are refused', async () => {
    const raw = ['--expose-gc', '--max-old-space-size=256'];
    assert.throws(() => new Worker('', { eval: true, execArgv: raw }), /ERR_WORKER_INVALID_EXEC_ARGV|invalid execArgv/i);
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true, execArgv: loaderOptions(raw) });
    assert.equal(await new Promise((resolve) => w.once('message', resolve)), 1);
    await w.terminate();
  });

  it('finds the .ts module beside a source file and the .js one beside a built one', () => {
    assert.match(threadModule('file:///x/src/a/b.ts', 'w').filename, /\/x\/src\/a\/w\.ts$/);
    assert.deepEqual(threadModule('file:///x/dist/a/b.js', 'w'), { filename: 'file:///x/dist/a/w.js' });
  });
});
