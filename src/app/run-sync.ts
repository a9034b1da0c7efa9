/**
 * `tributary sync <connector_id>`: creates a sync job through the Connector API (like Kibana's
 * "Sync" button) on the server find-server.ts locates and, with `wait`, shows a live progress
 * bar (documents, MiB, rate) until the job ends. Exit code 0 only when it completes.
 */
import { SingleBar } from 'cli-progress';
import { SYNC_JOB_TYPES, type SyncJobType } from '../domain/connector/enums.js';
import type { SyncJob } from '../domain/sync-job/document.js';
import { connectToServer, locateServer } from './find-server.js';

export const JOB_TYPES: readonly SyncJobType[] = SYNC_JOB_TYPES;

export interface SyncOptions {
  type: SyncJobType;
  wait?: boolean;
  /** `--url` (or TRIBUTARY_URL); absent: the data folder's server.json, else the default. */
  url?: string;
  /** Data folder whose server.json names the server (`--data`, TRIBUTARY_DATA, ./data). */
  data?: string;
  apiKey?: string;
  insecure?: boolean;
  /** Progress poll interval, milliseconds. */
  interval: string;
}

const FINAL = new Set(['completed', 'canceled', 'error']);
const MIB = 1024 * 1024;

function progress(job: SyncJob) {
  const meta = (job.metadata as { tributary?: { indexed_bytes?: number; docs_per_second?: number } } | undefined)?.tributary;
  const docs = Number(job.indexed_document_count ?? 0);
  const bytes = meta?.indexed_bytes ?? Number(job.indexed_document_volume ?? 0) * MIB;
  const started = Date.parse((job.started_at as string | undefined) ?? '');
  const secs = Number.isNaN(started) ? 0 : (Date.now() - started) / 1000;
  const rate = secs > 0 ? docs / secs : 0;
  return { docs, mib: (bytes / MIB).toFixed(1), rate: rate.toFixed(0), status: job.status, deleted: Number(job.deleted_document_count ?? 0) };
}

export async function runSync(connectorId: string, o: SyncOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const api = await connectToServer(locateServer(o), { apiKey: o.apiKey, insecureTls: o.insecure });
  try {
    const jobType = o.type;
    const before = await api.getConnector(connectorId);
    if (!before) throw new Error(`Connector [${connectorId}] does not exist`);
    const id = await api.createJob(connectorId, jobType, 'on_demand');
    out.write(`Created ${jobType} sync job [${id}] for connector [${connectorId}]\n`);
    if (!o.wait) return 0;

    const expected = Math.max(1, Number(before.last_indexed_document_count ?? 0));
    const bar = new SingleBar(
      {
        format: ' {bar} {value}/{total} docs | {mib} MiB | {rate} docs/s | {status}',
        stream: out,
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: !out.isTTY,
        notTTYSchedule: 2000,
      },
    );
    bar.start(expected, 0, { mib: '0.0', rate: '0', status: 'pending' });
    let job: SyncJob | null = null;
    for (;;) {
      job = await api.getJob(id);
      if (!job) throw new Error(`Sync job [${id}] was deleted`);
      const p = progress(job);
      if (p.docs > bar.getTotal()) bar.setTotal(p.docs);
      bar.update(p.docs, p);
      if (FINAL.has(job.status)) break;
      await new Promise((r) => setTimeout(r, Number(o.interval)));
    }
    if (job.status === 'completed') bar.setTotal(Math.max(1, progress(job).docs));
    bar.stop();
    const p = progress(job);
    out.write(`Job [${id}] ${job.status}: ${p.docs} indexed, ${p.deleted} deleted, ${p.mib} MiB${job.error ? `\n${job.error}` : ''}\n`);
    return job.status === 'completed' ? 0 : 1;
  } finally {
    await api.close();
  }
}

