import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncJobType } from '../../domain/connector/enums.js';
import { dueJobs } from './schedule.js';

const all = new Set<SyncJobType>(['full', 'incremental', 'access_control']);
const seen = (d: string) => () => new Date(d);

test('a schedule seen for the first time fires at its next fire time, not at once', () => {
  const c = { scheduling: { full: { enabled: true, interval: '0 0 * * * ?' } } };
  assert.deepEqual(dueJobs(c, new Date('2026-01-01T10:30:00Z'), all, seen('2026-01-01T10:29:00Z')).due, []);
  const r = dueJobs(c, new Date('2026-01-01T11:00:00Z'), all, seen('2026-01-01T10:29:00Z'));
  assert.deepEqual(r.due, [{ jobType: 'full', fireTime: new Date('2026-01-01T11:00:00Z') }]);
});

test('runs missed during downtime make one catch-up run', () => {
  const c = { scheduling: { full: { enabled: true, interval: '0 * * * * ?' } }, last_sync_scheduled_at: '2026-01-01T00:00:00Z' };
  const r = dueJobs(c, new Date('2026-01-03T00:00:00Z'), all, seen('2026-01-03T00:00:00Z'));
  assert.equal(r.due.length, 1);
  // After the worker records now as the scheduled time, nothing is due until the next minute.
  const after = { ...c, last_sync_scheduled_at: '2026-01-03T00:00:00Z' };
  assert.deepEqual(dueJobs(after, new Date('2026-01-03T00:00:59Z'), all, seen('x')).due, []);
  assert.equal(dueJobs(after, new Date('2026-01-03T00:01:00Z'), all, seen('x')).due.length, 1);
});

test('each job type uses its own last-scheduled field; disabled or unsupported types never fire', () => {
  const c = {
    scheduling: {
      full: { enabled: false, interval: '* * * * * ?' },
      incremental: { enabled: true, interval: '*/5 * * * * ?' },
      access_control: { enabled: true, interval: '* * * * * ?' },
    },
    last_incremental_sync_scheduled_at: '2026-01-01T00:00:00Z',
  };
  const r = dueJobs(c, new Date('2026-01-01T00:00:04Z'), new Set<SyncJobType>(['full', 'incremental']), seen('2026-01-01T00:00:00Z'));
  assert.deepEqual(r.due, []);
  const r2 = dueJobs(c, new Date('2026-01-01T00:00:05Z'), new Set<SyncJobType>(['full', 'incremental']), seen('2026-01-01T00:00:00Z'));
  assert.deepEqual(r2.due.map((d) => d.jobType), ['incremental']);
});

test('an invalid cron expression is reported, not thrown', () => {
  const c = { scheduling: { full: { enabled: true, interval: '61 0 0 * * ?' } } };
  const r = dueJobs(c, new Date(), all, seen('2026-01-01T00:00:00Z'));
  assert.equal(r.due.length, 0);
  assert.equal(r.problems[0].jobType, 'full');
});
