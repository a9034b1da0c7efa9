/**
 * Which scheduled syncs are due (runtime.md "Loops" 1), pure: for each job type whose
 * `scheduling.<type>` is enabled, the next Quartz fire time after the last time this type was
 * scheduled (`last_sync_scheduled_at`, `last_incremental_sync_scheduled_at`,
 * `last_access_control_sync_scheduled_at`, which the worker writes through `_last_sync`) —
 * or, when it never was, after the moment a worker first saw that schedule. A fire time at
 * or before now is due. The worker then records "now" as the scheduled time, so any number of
 * runs missed during downtime becomes exactly one catch-up run, never a pile-up.
 */
import { nextFireTime, validateCron } from '../../domain/shared/cron.js';
import type { Connector } from '../../domain/connector/document.js';
import type { SyncJobType } from '../../domain/connector/enums.js';

export const LAST_SCHEDULED_FIELD: Record<SyncJobType, string> = {
  full: 'last_sync_scheduled_at',
  incremental: 'last_incremental_sync_scheduled_at',
  access_control: 'last_access_control_sync_scheduled_at',
};

export const JOB_TYPES: readonly SyncJobType[] = ['full', 'incremental', 'access_control'];

export interface DueJob {
  jobType: SyncJobType;
  /** The fire time that made it due. */
  fireTime: Date;
}

export interface ScheduleProblem {
  jobType: SyncJobType;
  reason: string;
}

/**
 * `firstSeen(type, interval)` returns when the worker first saw this schedule (it remembers
 * the first answer); `allowed` lists the job types the source and the connector's features
 * support.
 */
export function dueJobs(
  c: { scheduling?: Partial<Connector['scheduling']> } & Record<string, unknown>,
  now: Date,
  allowed: ReadonlySet<SyncJobType>,
  firstSeen: (type: SyncJobType, interval: string) => Date,
): { due: DueJob[]; problems: ScheduleProblem[] } {
  const due: DueJob[] = [];
  const problems: ScheduleProblem[] = [];
  for (const type of JOB_TYPES) {
    const cfg = c.scheduling?.[type];
    if (!cfg?.enabled || !allowed.has(type)) continue;
    const v = validateCron(cfg.interval);
    if (!v.valid) {
      problems.push({ jobType: type, reason: v.reason });
      continue;
    }
    const last = c[LAST_SCHEDULED_FIELD[type]];
    const lastMs = typeof last === 'string' ? Date.parse(last) : NaN;
    const base = Number.isNaN(lastMs) ? firstSeen(type, cfg.interval) : new Date(lastMs);
    const next = nextFireTime(cfg.interval, base);
    if (next !== null && next.getTime() <= now.getTime()) due.push({ jobType: type, fireTime: next });
  }
  return { due, problems };
}
