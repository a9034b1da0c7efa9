/**
 * The scheduling tab's cron preview: the server's own rules (src/domain/shared/cron.ts) decide
 * validity and the next runs (UTC), cronstrue the sentence (Quartz day numbers: 1 = Sunday).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateCron } from '../../../src/domain/shared/cron';
import { formatRun, previewCron, scheduleLine } from './cron';

const NOW = new Date('2026-12-07T10:30:00Z'); // a Monday

describe('cron preview', () => {
  test('a daily schedule: a sentence and the next three midnights, UTC', () => {
    const p = previewCron('0 0 0 * * ?', NOW);
    assert.ok(p.valid);
    assert.equal(p.sentence, 'At 00:00 (UTC)');
    assert.deepEqual(p.next.map(formatRun), ['2026-12-08 00:00:00 UTC', '2026-12-09 00:00:00 UTC', '2026-12-10 00:00:00 UTC']);
  });

  test('Quartz forms: weekdays by name and number (1 = Sunday), last Friday, nth weekday', () => {
    const weekdays = previewCron('0 15 10 ? * MON-FRI', NOW);
    assert.ok(weekdays.valid);
    assert.equal(weekdays.sentence, 'At 10:15, Monday through Friday (UTC)');
    assert.deepEqual(weekdays.next.map(formatRun), ['2026-12-08 10:15:00 UTC', '2026-12-09 10:15:00 UTC', '2026-12-10 10:15:00 UTC']);
    const sunday = previewCron('0 0 8 ? * 1', NOW);
    assert.ok(sunday.valid);
    assert.match(sunday.sentence, /Sunday/);
    assert.equal(formatRun(sunday.next[0]), '2026-12-13 08:00:00 UTC');
    const lastFriday = previewCron('0 15 10 ? * 6L', NOW);
    assert.ok(lastFriday.valid);
    assert.match(lastFriday.sentence, /last Friday of the month/);
    assert.equal(formatRun(lastFriday.next[0]), '2026-12-25 10:15:00 UTC');
    const third = previewCron('0 0 9 ? * FRI#3', NOW);
    assert.ok(third.valid);
    assert.equal(formatRun(third.next[0]), '2026-12-18 09:00:00 UTC');
  });

  test('invalid expressions carry the server reason, word for word', () => {
    for (const e of ['0 0 0 * * *', '61 0 0 * * ?', '0 0 * * *', '0 0 0 ? * 6#6']) {
      const p = previewCron(e, NOW);
      const server = validateCron(e);
      assert.equal(p.valid, false, e);
      assert.ok(!server.valid);
      assert.equal(!p.valid && p.reason, server.reason);
    }
    const long = previewCron('0 '.repeat(200), NOW);
    assert.equal(long.valid, false);
  });

  test('an expression that never fires again lists no runs', () => {
    const p = previewCron('0 0 0 * * ? 2020', NOW);
    assert.ok(p.valid);
    assert.deepEqual(p.next, []);
    const feb30 = previewCron('0 0 0 30 2 ?', NOW);
    assert.ok(feb30.valid);
    assert.equal(feb30.next.length, 0);
  });

  test('the overview line: kind, sentence, next run', () => {
    assert.equal(scheduleLine('access_control', '0 0 0 * * ?', NOW), 'access control: At 00:00 (UTC); next 2026-12-08 00:00:00 UTC');
    assert.equal(scheduleLine('full', '0 0 0 * * ? 2020', NOW), 'full: At 00:00, only in 2020 (UTC); next never');
    assert.match(scheduleLine('full', '0 0 0 * * *', NOW), /^full: 0 0 0 \* \* \* \(invalid: Invalid cron expression/);
  });
});
