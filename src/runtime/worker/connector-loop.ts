/**
 * The connector loop (runtime.md "Loops" 1): for every connector of a served service type,
 * bootstrap and draft filtering (bootstrap.ts), connector `_check_in`, then scheduling:
 * due cron runs (schedule.ts) and `sync_now` become jobs, at most one pending (or suspended)
 * job per connector and job type — also when several workers race (the oldest pending wins).
 * Connectors are handled concurrently (at most `connectorConcurrency` rounds at once), each
 * source check bounded by `connectorTimeoutMs`; a connector whose round still runs is skipped.
 * A connector nothing has bootstrapped whose service type this worker does not serve is logged
 * once (issue 12 item 10: it stayed `created` without a word).
 *
 * Connectors are learned incrementally (issue 15): the loop keeps the connectors it knows and
 * the highest `_seq_no` it has seen, and each tick asks only for those written since
 * (ConnectorApi.connectorChanges, an indexed `_seq_no` range on the connector index), instead
 * of listing every connector page by page. Every RESYNC_MS it reads them all again, which also
 * forgets hard-deleted ones (a hard delete leaves no write to see). A server that refuses the
 * cursor query gets the full list every tick, as before.
 *
 * A tick queues a round for every connector that has something to do (needsRound: written
 * since its last round, a source check to retry, a schedule to evaluate, a check-in due, a
 * failed last round) and rounds start from that queue as earlier ones end, so every connector
 * gets its round however many there are. A settled connector costs no API call: its check-in
 * (a write, which comes back through the cursor) is made once per `checkInIntervalMs`, and the
 * pending/suspended jobs are listed only when a round may schedule.
 */
import type { SourceFactory } from '../../sources/source.js';
import type { Connector } from '../../domain/connector/document.js';
import type { SyncJobType } from '../../domain/connector/enums.js';
import { statusOf, type ConnectorApi } from './api-client.js';
import { bootstrapConnector, validateDraft } from './bootstrap.js';
import type { ResolvedOptions } from './options.js';
import { dueJobs, LAST_SCHEDULED_FIELD } from './schedule.js';

const SCHEDULABLE = new Set(['connected', 'error']);

/** A connector as last learned, with the `_seq_no` of that document (-1: from a full list, unknown). */
interface Known {
  connector: Connector;
  seqNo: number;
}
/** How often the connector loop re-reads every connector instead of the changes only. */
export const RESYNC_MS = 5 * 60_000;

export class ConnectorLoop {
  /** When this worker first saw each schedule (connector, type, interval). */
  private readonly firstSeen = new Map<string, Date>();
  private readonly reported = new Set<string>();
  /** Connectors already logged as of a service type this worker does not serve. */
  private readonly unserved = new Set<string>();
  /** Connectors whose round runs now: a tick never starts a second one for them. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** Connectors whose last round failed: started after the others, so they cannot crowd them out. */
  private readonly troubled = new Set<string>();
  /** Aborted by stop(): running source checks give up at once. */
  private readonly stopping = new AbortController();
  /** Live connectors as last learned, by id, with the `_seq_no` of that document (-1: unknown). */
  private known = new Map<string, Known>();
  /** `_seq_no` of the document each connector's last successful round acted on. */
  private readonly handledSeq = new Map<string, number>();
  /** When this worker last checked each connector in (ms since the epoch). */
  private readonly checkedIn = new Map<string, number>();
  /** Connectors waiting for a round slot, in order; replaced by each tick. */
  private queue: Known[] = [];
  /** The jobs waiting, listed at most once per tick and only when a round may schedule. */
  private waiting: Promise<Map<string, Set<string>>> | null = null;
  /** Highest `_seq_no` seen; null: read every connector at the next tick. */
  private cursor: number | null = null;
  private resyncedAt = 0;
  /** False once the server refused the change cursor: the full list every tick. */
  private cursorWorks = true;

  constructor(
    private readonly o: ResolvedOptions,
    /** Called after jobs were created, to wake the job loop. */
    private readonly onJobsCreated: () => void,
  ) {}

  private get api(): ConnectorApi {
    return this.o.api;
  }

  /**
   * Starts a round for each connector that has none running, at most
   * `connectorConcurrency` at once, and returns without waiting for them: one connector whose
   * source hangs (each source check is bounded by `connectorTimeoutMs`) delays neither the
   * others nor the next tick, which picks up new connectors and due schedules.
   */
  async tick(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    // Every service type is listed, to see the connectors no worker here serves.
    const all = (await this.connectors()).filter(({ connector: c }) => !c.deleted && (!this.o.connectorIds || this.o.connectorIds.includes(c.id)));
    const served = new Set(this.o.serviceTypes);
    this.reportUnserved(all.filter(({ connector: c }) => !served.has(c.service_type ?? '')).map((k) => k.connector));
    const now = Date.now();
    const due = all.filter((k) => served.has(k.connector.service_type ?? '') && this.needsRound(k, now));
    this.waiting = null;
    this.queue = [...due.filter((k) => !this.troubled.has(k.connector.id)), ...due.filter((k) => this.troubled.has(k.connector.id))];
    this.pump();
  }

  /**
   * Whether a connector's round could do anything: one that was handled at its current
   * `_seq_no`, is not waiting for a source check, has no enabled schedule or `sync_now`, and was
   * checked in within `checkInIntervalMs` is skipped without a call.
   */
  private needsRound({ connector: c, seqNo }: Known, now: number): boolean {
    if (seqNo < 0 || this.handledSeq.get(c.id) !== seqNo || this.troubled.has(c.id)) return true;
    if (c.status === 'configured' || c.status === 'error' || c.sync_now) return true;
    const s = c.scheduling;
    if (s?.full?.enabled || s?.incremental?.enabled || s?.access_control?.enabled) return true;
    return now - (this.checkedIn.get(c.id) ?? 0) >= this.o.checkInIntervalMs;
  }

  /** Starts queued rounds while fewer than `connectorConcurrency` run; each ending round starts the next. */
  private pump(): void {
    while (this.inflight.size < this.o.connectorConcurrency && this.queue.length && !this.stopping.signal.aborted) {
      const k = this.queue.shift()!;
      const c = k.connector;
      const f = this.o.sources[c.service_type ?? ''];
      if (!f || this.inflight.has(c.id)) continue;
      const round = this.handle(c, f)
        .then(
          (created) => {
            this.troubled.delete(c.id);
            this.handledSeq.set(c.id, k.seqNo);
            if (created > 0) this.onJobsCreated();
          },
          (err) => {
            // Hard-deleted since it was learned: forgotten, not a failure.
            if (statusOf(err) === 404) return void this.forget(c.id);
            this.troubled.add(c.id);
            this.o.log.warn(`connector [${c.id}]: ${(err as Error)?.message ?? String(err)}`);
          },
        )
        .finally(() => {
          this.inflight.delete(c.id);
          this.pump();
        });
      this.inflight.set(c.id, round);
    }
  }

  private forget(id: string): void {
    this.known.delete(id);
    this.handledSeq.delete(id);
    this.checkedIn.delete(id);
  }

  /** Every connector (see the top of this file): the changes since the cursor, or all of them. */
  private async connectors(): Promise<Known[]> {
    if (this.cursorWorks) {
      const resync = this.cursor === null || Date.now() - this.resyncedAt >= RESYNC_MS;
      const changes = await this.api.connectorChanges(resync ? -1 : this.cursor!);
      if (changes) {
        if (resync) {
          const seen = new Set(changes.map((c) => c.connector.id));
          for (const id of this.known.keys()) if (!seen.has(id)) this.forget(id);
          this.known = new Map();
          this.cursor = -1;
          this.resyncedAt = Date.now();
        }
        for (const { connector, seqNo } of changes) {
          if (connector.deleted) this.forget(connector.id);
          else this.known.set(connector.id, { connector, seqNo });
          this.cursor = Math.max(this.cursor!, seqNo);
        }
        return [...this.known.values()];
      }
      this.cursorWorks = false;
      this.o.log.info('the server does not answer a _seq_no range on the connector index: connectors are listed in full at every tick');
    }
    return (await this.api.listConnectors()).map((connector) => ({ connector, seqNo: -1 }));
  }

  /**
   * Logs, once per connector, those of a service type this worker does not serve that no worker
   * has bootstrapped yet (no configuration schema): they stay `created` until one serving their
   * type runs. Connectors another worker already set up are theirs, and not worth a line.
   */
  private reportUnserved(connectors: Connector[]): void {
    for (const c of connectors) {
      if (this.unserved.has(c.id) || Object.keys(c.configuration ?? {}).length > 0) continue;
      this.unserved.add(c.id);
      const serves = `this worker serves ${this.o.serviceTypes.join(', ')}`;
      this.o.log.warn(
        c.service_type
          ? `connector [${c.id}]: service type [${c.service_type}] is not served by this worker (${serves}${Object.hasOwn(this.o.sources, c.service_type) ? '' : `; [${c.service_type}] is not a known source`}); it stays [${c.status}] until a worker serving [${c.service_type}] runs (--service-types), or set the connector's service_type (PUT _connector/${c.id}/_service_type)`
          : `connector [${c.id}]: no service_type, so no worker sets it up (${serves}); set one with PUT _connector/${c.id}/_service_type`,
      );
    }
  }

  /** Stops the running rounds' source checks; waits (up to `timeoutMs`) for the rounds to end. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping.abort();
    this.queue = [];
    return this.idle(timeoutMs);
  }

  /** Waits (up to `timeoutMs`) for the rounds running or queued now; false if some did not end. */
  async idle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const all = (async () => {
      while (this.inflight.size) await Promise.all([...this.inflight.values()]);
      return true;
    })();
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const ok = await Promise.race([all, late]);
    clearTimeout(timer);
    return ok;
  }

  /** connector id → job types with a pending or suspended job. */
  private async waitingJobs(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const status of ['pending', 'suspended'] as const) {
      for (const j of await this.api.listJobs({ status })) {
        const set = out.get(j.connector.id) ?? new Set<string>();
        set.add(j.job_type);
        out.set(j.connector.id, set);
      }
    }
    return out;
  }

  private async handle(c: Connector, f: SourceFactory): Promise<number> {
    const status = await bootstrapConnector(this.api, c, f, this.o.log, this.o.sourcePolicy, this.o.connectorTimeoutMs, this.stopping.signal);
    await validateDraft(this.api, c, f, this.o.log, this.o.sourcePolicy, this.o.connectorTimeoutMs, this.stopping.signal);
    if (Date.now() - (this.checkedIn.get(c.id) ?? 0) >= this.o.checkInIntervalMs) {
      await this.api.checkInConnector(c.id);
      this.checkedIn.set(c.id, Date.now());
    }
    if (!SCHEDULABLE.has(status) || !c.index_name) return 0;
    const s = c.scheduling;
    if (!c.sync_now && !s?.full?.enabled && !s?.incremental?.enabled && !s?.access_control?.enabled) return 0;

    this.waiting ??= this.waitingJobs();
    const types = (await this.waiting).get(c.id) ?? new Set<string>();
    let created = 0;
    const create = async (type: SyncJobType, trigger: 'scheduled' | 'on_demand') => {
      if (types.has(type)) return;
      const id = await this.api.createJob(c.id, type, trigger);
      types.add(type);
      // Several workers may schedule the same run at once (the API has no conditional create):
      // all keep the oldest pending job and cancel the others, so they converge on one.
      const pending = (await this.api.listJobs({ status: 'pending', connectorId: c.id, jobTypes: [type] }))
        .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
      if (pending.length > 1 && pending[0].id !== id) {
        await this.api.cancelJob(id).catch((e) => this.o.log.warn(`connector [${c.id}]: could not cancel duplicate ${type} job [${id}]: ${(e as Error)?.message ?? e}`));
        return;
      }
      created++;
      this.o.log.info(`connector [${c.id}]: created ${trigger} ${type} sync job [${id}]`);
    };

    if (c.sync_now) {
      await create('full', 'on_demand');
      await this.api.updateConnectorDoc(c.id, { sync_now: false });
    }

    const allowed = new Set<SyncJobType>(['full']);
    const features = c.features;
    if (f.features.incremental_sync && features?.incremental_sync?.enabled !== false) allowed.add('incremental');
    if (f.features.document_level_security && features?.document_level_security?.enabled) allowed.add('access_control');
    const now = new Date();
    const { due, problems } = dueJobs(c, now, allowed, (type, interval) => {
      const key = `${c.id}\u0000${type}\u0000${interval}`;
      let d = this.firstSeen.get(key);
      if (!d) this.firstSeen.set(key, (d = now));
      return d;
    });
    for (const p of problems) {
      const key = `${c.id}:${p.jobType}:${p.reason}`;
      if (!this.reported.has(key)) this.o.log.warn(`connector [${c.id}]: ${p.jobType} schedule ignored: ${p.reason}`);
      this.reported.add(key);
    }
    for (const d of due) {
      await create(d.jobType, 'scheduled');
      await this.api.setLastSync(c.id, { [LAST_SCHEDULED_FIELD[d.jobType]]: now.toISOString() });
    }
    return created;
  }
}
