/**
 * The standalone worker as a real process (`tributary worker --url …`), writing into the
 * server's embedded index over HTTP: killed with SIGKILL mid-sync, its job ends `error` within
 * two heartbeat intervals (another worker's cleanup) and the next sync restores exact counts;
 * SIGTERM mid-sync suspends the job, and another worker resumes and completes it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBulkGate, type BulkGate } from '../helpers/bulk-gate.js';
import { directoryConnector, indexIds, listTree, makeTree, removeDir, startStack, syncNow, tempDir, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const HEARTBEAT = 1000;
let s: Stack;
let root: string;
let config: string;

before(async () => {
  root = tempDir();
  makeTree(root, 4000);
  s = await startStack({ worker: false });
  config = join(s.srv.dataDir, 'worker.yml');
  writeFileSync(
    config,
    `worker:\n  poll_interval: 100ms\n  job_poll_interval: 100ms\n  heartbeat: ${HEARTBEAT}ms\n  cancel_poll: 100ms\n  service_types: [directory]\n`,
  );
});

after(async () => {
  await s?.close();
  removeDir(root);
});

function startChild(url: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'worker', '--url', url, '--config', config, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d) => process.stderr.write(`# child: ${d}`));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
}

/**
 * Starts a sync and returns once documents have been indexed and the child's next bulk request
 * is held by the gate: the job is then in progress and cannot finish before the test acts.
 */
async function midSync(connector: string, gate: BulkGate): Promise<string> {
  const id = await syncNow(s, connector);
  await waitFor('documents flowing, then a bulk held', async () => gate.held > 0 && (await s.call('GET', `/_connector/_sync_job/${id}`)).body.indexed_document_count > 0, 60_000);
  return id;
}

async function assertExact(connector: string) {
  const ids = await indexIds(s, connector);
  assert.equal(ids.size, listTree(root).length);
}

test('SIGKILL mid-sync: error within two heartbeats, the next sync restores exact counts', async () => {
  const gate = await startBulkGate(s.url, 3);
  const child = startChild(gate.url);
  try {
    await directoryConnector(s, 'killed', root);
    const id = await midSync('killed', gate);
    const running = (await s.call('GET', `/_connector/_sync_job/${id}`)).body;
    assert.equal(running.status, 'in_progress');
    child.kill('SIGKILL');
    await exited(child);
    const t0 = Date.now();
    s.startWorker({ heartbeatMs: HEARTBEAT, serviceTypes: ['directory'] });
    const job = await waitForJob(s, id, ['error', 'completed'], 10_000);
    const took = Date.now() - t0;
    assert.equal(job.status, 'error');
    assert.ok(took <= 2 * HEARTBEAT + 400, `noticed after ${took} ms (2 heartbeats = ${2 * HEARTBEAT} ms, plus timer slack)`);
    assert.match(job.error, new RegExp(`Worker \\[[^\\]]+:${child.pid}\\] stopped sending heartbeats`));
    console.log(`# killed worker's job ended error after ${took} ms: ${job.error}`);

    const next = await syncNow(s, 'killed');
    assert.equal((await waitForJob(s, next, ['completed', 'error'], 60_000)).status, 'completed');
    await assertExact('killed');
  } finally {
    child.kill('SIGKILL');
    await s.worker?.stop();
    s.worker = null;
    await gate.close();
  }
});

test('SIGTERM mid-sync: the job is suspended and another worker completes it', async () => {
  const gate = await startBulkGate(s.url, 3);
  const child = startChild(gate.url);
  try {
    await directoryConnector(s, 'termed', root);
    const id = await midSync('termed', gate);
    assert.equal((await s.call('GET', `/_connector/_sync_job/${id}`)).body.status, 'in_progress');
    child.kill('SIGTERM');
    // The child stops reading at once; what it has queued is written once the gate opens.
    await new Promise((r) => setTimeout(r, 300));
    gate.release();
    assert.equal(await exited(child), 0, 'clean exit');
    const job = (await s.call('GET', `/_connector/_sync_job/${id}`)).body;
    assert.equal(job.status, 'suspended');
    assert.equal((await s.call('GET', '/_connector/termed')).body.last_sync_status, 'suspended');

    s.startWorker({ heartbeatMs: HEARTBEAT, serviceTypes: ['directory'] });
    const done = await waitForJob(s, id, ['completed', 'error'], 60_000);
    assert.equal(done.status, 'completed', done.error);
    await assertExact('termed');
  } finally {
    child.kill('SIGKILL');
    await gate.close();
  }
});
