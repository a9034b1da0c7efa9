import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { nextFireTime, validateCron } from './cron.js';

/** Next fire time as an ISO string, or null. */
function next(expr: string, after: string): string | null {
  return nextFireTime(expr, new Date(after))?.toISOString() ?? null;
}

function reasonOf(expr: string): string {
  const v = validateCron(expr);
  assert.equal(v.valid, false, `expected [${expr}] to be rejected`);
  return v.valid ? '' : v.reason;
}

// Calendar facts used below (UTC): 2025-03-01 is a Saturday, 2025-03-10 a Monday; 2024 is a
// leap year; 2025-05-31 is a Saturday, 2025-08-31 a Sunday, 2025-06-15 a Sunday.

describe('validateCron accepts what Elasticsearch accepts', () => {
  const accepted = [
    '0 0 0 * * ?',
    '0 0/5 * * * ?',
    '0 15 10 ? * MON-FRI',
    '0 15 10 L * ?',
    '0 15 10 ? * 6#3',
    '0 0 12 1/5 * ?',
    '0 11 11 11 11 ?',
    '0 0 * * * ? 2030',
    '0 0 0 ? * MON',
    '0 0 0 LW * ?',
    '0 0 0 L-3 * ?',
    '0 0 0 L-3W * ?',
    '0 0 0 15W * ?',
    '0 0 0 ? * 6L',
    '0 0 0 ? * FRIL',
    '0 0 0 ? * FRI#3',
    '0 0 0 ? * L',
    '0 0 22-2 * * ?',
    '0 0 0 1 NOV-FEB ?',
    '*/10 * * * * ?',
    '0 0 0 * * ? 2025-2030/2',
    '0 0 0 1 * ? *',
    '0 15 10 ? * mon-fri',
    '0 0 0 ? jan,mar,DEC SUN-SAT',
    '  0 0 0 * * ?  ',
    '0\t0 0 * * ?',
    '0,15,30,45 0-10,50-59 1,2,3 1-31/2 * ?',
  ];
  for (const expr of accepted) {
    it(JSON.stringify(expr), () => assert.deepEqual(validateCron(expr), { valid: true }));
  }
});

describe('validateCron rejects what Quartz rejects, with a reason', () => {
  it('names the field, the value and the range (the YAML test case)', () => {
    assert.equal(reasonOf('61 0 0 * * ?'), 'Invalid cron expression [61 0 0 * * ?]: second value 61 out of range 0-59');
  });

  it('checks every field range', () => {
    assert.match(reasonOf('0 60 0 * * ?'), /minute value 60 out of range 0-59$/);
    assert.match(reasonOf('0 0 24 * * ?'), /hour value 24 out of range 0-23$/);
    assert.match(reasonOf('0 0 0 32 * ?'), /day-of-month value 32 out of range 1-31$/);
    assert.match(reasonOf('0 0 0 0 * ?'), /day-of-month value 0 out of range 1-31$/);
    assert.match(reasonOf('0 0 0 * 13 ?'), /month value 13 out of range 1-12$/);
    assert.match(reasonOf('0 0 0 * 0 ?'), /month value 0 out of range 1-12$/);
    assert.match(reasonOf('0 0 0 ? * 8'), /day-of-week value 8 out of range 1-7$/);
    assert.match(reasonOf('0 0 0 ? * 0'), /day-of-week value 0 out of range 1-7$/);
    assert.match(reasonOf('0 0 0 * * ? 2200'), /year value 2200 out of range 1970-2199$/);
    assert.match(reasonOf('0 0 0 * * ? 1969'), /year value 1969 out of range 1970-2199$/);
    assert.match(reasonOf('0 0 1-60 * * ?'), /hour value 60 out of range 0-23$/);
  });

  it('requires 6 or 7 fields', () => {
    assert.match(reasonOf('0 0 * * *'), /expected 6 or 7 space-separated fields .* but found 5$/);
    assert.match(reasonOf('0 0 0 * * ? 2030 x'), /but found 8$/);
    assert.match(reasonOf(''), /the expression is empty$/);
    assert.match(reasonOf('   '), /the expression is empty$/);
    assert.match(reasonOf('garbage'), /but found 1$/);
  });

  it('requires exactly one of day-of-month and day-of-week to be ?', () => {
    assert.match(reasonOf('0 0 0 * * *'), /day-of-month \[\*\] and day-of-week \[\*\] cannot both be set: use \? in one of them/);
    assert.match(reasonOf('0 0 0 5 * MON'), /cannot both be set/);
    assert.match(reasonOf('0 0 0 ? * ?'), /cannot both be \?/);
  });

  it('only allows ? alone in the day fields', () => {
    assert.match(reasonOf('0 ? 0 * * ?'), /\? is only allowed in day-of-month or day-of-week, not in the minute field$/);
    assert.match(reasonOf('0 0 0 ?,5 * ?'), /\? must stand alone in the day-of-month field/);
  });

  it('rejects bad steps', () => {
    assert.match(reasonOf('0 */0 * * * ?'), /step 0 in the minute field out of range 1-59$/);
    assert.match(reasonOf('0 */60 * * * ?'), /step 60 in the minute field out of range 1-59$/);
    assert.match(reasonOf('0 0 */24 * * ?'), /step 24 in the hour field out of range 1-23$/);
    assert.match(reasonOf('0 0/ * * * ?'), /\/ must be followed by a number/);
    assert.match(reasonOf('0 0/5/5 * * * ?'), /more than one \//);
  });

  it('rejects misused L, W and #', () => {
    assert.match(reasonOf('0 0 0 L,15 * ?'), /L cannot be combined with other days/);
    assert.match(reasonOf('0 0 0 L-31 * ?'), /must be at most 30/);
    assert.match(reasonOf('0 0 0 3L * ?'), /invalid use of L in day-of-month/);
    assert.match(reasonOf('0 0 0 1-5W * ?'), /W in day-of-month needs a single day/);
    assert.match(reasonOf('0 0 0 32W * ?'), /day-of-month value 32 out of range/);
    assert.match(reasonOf('0 0 0 ? * 6#3,2#1'), /# in day-of-week needs one day/);
    assert.match(reasonOf('0 0 0 ? * 6#6'), /occurrence 6 in day-of-week \[6#6\] out of range 1-5$/);
    assert.match(reasonOf('0 0 0 ? * 6#0'), /occurrence 0/);
    assert.match(reasonOf('0 0 0 ? * 8#1'), /day-of-week value 8 out of range/);
    assert.match(reasonOf('0 0 0 ? * 6L,2'), /L in day-of-week needs one day/);
    assert.match(reasonOf('0 0 L * * ?'), /unexpected \[L\] in the hour field/);
    assert.match(reasonOf('0 0 0 * 5W ?'), /unexpected \[5W\] in the month field/);
  });

  it('rejects unknown names and garbage', () => {
    assert.match(reasonOf('0 0 0 * FOO ?'), /invalid month name \[FOO\], expected JAN-DEC$/);
    assert.match(reasonOf('0 0 0 ? * FUN'), /invalid day-of-week name \[FUN\], expected SUN-SAT$/);
    assert.match(reasonOf('0 0 0 ? * MONDAY 2030'), /unexpected \[MONDAY\] in the day-of-week field, expected 1-7 or SUN-SAT$/);
    assert.match(reasonOf('5X 0 0 * * ?'), /unexpected \[5X\] in the second field, expected 0-59$/);
    assert.match(reasonOf('a b c d e f'), /unexpected \[A\] in the second field/);
    assert.match(reasonOf('0 0 0 1,,2 * ?'), /empty list entry/);
    assert.match(reasonOf('0 1-2-3 0 * * ?'), /a range needs exactly two ends/);
    assert.match(reasonOf('0 0 0 * * ? 2030-2020'), /year range 2030-2020 runs backwards$/);
    assert.match(reasonOf('0 0 0 * JAN- ?'), /missing value in the month field/);
  });

  it('quotes the expression as the user wrote it', () => {
    assert.match(reasonOf('0 0 0 ? * fun'), /^Invalid cron expression \[0 0 0 \? \* fun\]: /);
  });
});

describe('nextFireTime', () => {
  it('fires daily at midnight (the default schedule)', () => {
    assert.equal(next('0 0 0 * * ?', '2025-03-10T12:00:00Z'), '2025-03-11T00:00:00.000Z');
  });

  it('is strictly after the given time, at whole seconds', () => {
    assert.equal(next('0 0 0 * * ?', '2025-03-11T00:00:00.000Z'), '2025-03-12T00:00:00.000Z');
    assert.equal(next('0 0 0 * * ?', '2025-03-11T00:00:00.999Z'), '2025-03-12T00:00:00.000Z');
    assert.equal(next('0 0 0 * * ?', '2025-03-10T23:59:59.999Z'), '2025-03-11T00:00:00.000Z');
    assert.equal(next('* * * * * ?', '2025-03-10T12:00:00.400Z'), '2025-03-10T12:00:01.000Z');
  });

  it('steps: every 5 minutes, every 15 seconds, from 1 every 5 days', () => {
    assert.equal(next('0 0/5 * * * ?', '2025-03-10T12:00:00Z'), '2025-03-10T12:05:00.000Z');
    assert.equal(next('0 0/5 * * * ?', '2025-03-10T12:03:17Z'), '2025-03-10T12:05:00.000Z');
    assert.equal(next('0 0/5 * * * ?', '2025-03-10T23:57:00Z'), '2025-03-11T00:00:00.000Z');
    assert.equal(next('*/15 * * * * ?', '2025-03-10T12:00:07Z'), '2025-03-10T12:00:15.000Z');
    // 1/5 in day-of-month: 1, 6, 11, 16, 21, 26, 31.
    assert.equal(next('0 0 12 1/5 * ?', '2025-03-10T12:00:00Z'), '2025-03-11T12:00:00.000Z');
    assert.equal(next('0 0 12 1/5 * ?', '2025-03-26T12:00:00Z'), '2025-03-31T12:00:00.000Z');
    // April has no 31st, so the next is May 1st.
    assert.equal(next('0 0 12 1/5 * ?', '2025-04-26T13:00:00Z'), '2025-05-01T12:00:00.000Z');
    // 9-17/4 hours: 9, 13, 17.
    assert.equal(next('0 0 9-17/4 * * ?', '2025-03-10T13:00:00Z'), '2025-03-10T17:00:00.000Z');
    assert.equal(next('0 0 9-17/4 * * ?', '2025-03-10T17:00:00Z'), '2025-03-11T09:00:00.000Z');
  });

  it('weekday ranges with names (MON-FRI skips the weekend)', () => {
    assert.equal(next('0 15 10 ? * MON-FRI', '2025-03-10T12:00:00Z'), '2025-03-11T10:15:00.000Z');
    // Friday 2025-03-14 after 10:15 → Monday 2025-03-17.
    assert.equal(next('0 15 10 ? * MON-FRI', '2025-03-14T11:00:00Z'), '2025-03-17T10:15:00.000Z');
    assert.equal(next('0 0 8 ? * SAT,SUN', '2025-03-10T00:00:00Z'), '2025-03-15T08:00:00.000Z');
  });

  it('day-of-week numbers count from 1 = Sunday; L alone is Saturday', () => {
    assert.equal(next('0 0 0 ? * 1', '2025-03-10T00:00:00Z'), '2025-03-16T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * 2', '2025-03-10T00:00:00Z'), '2025-03-17T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * 7', '2025-03-10T00:00:00Z'), '2025-03-15T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * L', '2025-03-10T00:00:00Z'), '2025-03-15T00:00:00.000Z');
  });

  it('L: last day of the month, leap years included', () => {
    assert.equal(next('0 15 10 L * ?', '2025-02-01T00:00:00Z'), '2025-02-28T10:15:00.000Z');
    assert.equal(next('0 15 10 L * ?', '2024-02-10T00:00:00Z'), '2024-02-29T10:15:00.000Z');
    assert.equal(next('0 15 10 L * ?', '2025-03-31T10:15:00Z'), '2025-04-30T10:15:00.000Z');
  });

  it('L-n: n days before the last day', () => {
    assert.equal(next('0 0 0 L-3 * ?', '2025-02-01T00:00:00Z'), '2025-02-25T00:00:00.000Z');
    assert.equal(next('0 0 0 L-3 * ?', '2024-02-01T00:00:00Z'), '2024-02-26T00:00:00.000Z');
  });

  it('LW: last weekday of the month', () => {
    // 2025-05-31 is a Saturday → Friday 30th; 2025-08-31 a Sunday → Friday 29th.
    assert.equal(next('0 0 9 LW * ?', '2025-05-01T00:00:00Z'), '2025-05-30T09:00:00.000Z');
    assert.equal(next('0 0 9 LW * ?', '2025-08-01T00:00:00Z'), '2025-08-29T09:00:00.000Z');
    // 2025-03-31 is a Monday.
    assert.equal(next('0 0 9 LW * ?', '2025-03-01T00:00:00Z'), '2025-03-31T09:00:00.000Z');
    // L-3W in March 2025: the 28th is a Friday.
    assert.equal(next('0 0 9 L-3W * ?', '2025-03-01T00:00:00Z'), '2025-03-28T09:00:00.000Z');
  });

  it('nW: nearest weekday, never leaving the month', () => {
    // 2025-03-15 is a Saturday → Friday 14th; 2025-06-15 a Sunday → Monday 16th.
    assert.equal(next('0 0 9 15W * ?', '2025-03-01T00:00:00Z'), '2025-03-14T09:00:00.000Z');
    assert.equal(next('0 0 9 15W * ?', '2025-06-01T00:00:00Z'), '2025-06-16T09:00:00.000Z');
    // 2025-04-15 is a Tuesday: no shift.
    assert.equal(next('0 0 9 15W * ?', '2025-04-01T00:00:00Z'), '2025-04-15T09:00:00.000Z');
    // 2025-02-01 is a Saturday: 1W moves forward to Monday 3rd, not back into January.
    assert.equal(next('0 0 9 1W * ?', '2025-01-31T12:00:00Z'), '2025-02-03T09:00:00.000Z');
    // 31W skips months without a 31st: after March 31st (a Monday) comes May 30th (31st is a Saturday).
    assert.equal(next('0 0 9 31W * ?', '2025-03-31T10:00:00Z'), '2025-05-30T09:00:00.000Z');
  });

  it('nL: last given weekday of the month', () => {
    // Fridays in March 2025: 7, 14, 21, 28; in April: 4, 11, 18, 25.
    assert.equal(next('0 0 0 ? * 6L', '2025-03-10T00:00:00Z'), '2025-03-28T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * 6L', '2025-03-28T00:00:00Z'), '2025-04-25T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * FRIL', '2025-03-10T00:00:00Z'), '2025-03-28T00:00:00.000Z');
  });

  it('n#k: the k-th given weekday of the month', () => {
    assert.equal(next('0 15 10 ? * 6#3', '2025-03-10T00:00:00Z'), '2025-03-21T10:15:00.000Z');
    assert.equal(next('0 15 10 ? * 6#3', '2025-03-22T00:00:00Z'), '2025-04-18T10:15:00.000Z');
    assert.equal(next('0 15 10 ? * FRI#1', '2025-03-10T00:00:00Z'), '2025-04-04T10:15:00.000Z');
    // No fifth Thursday in March (6, 13, 20, 27) or April (3, 10, 17, 24) 2025; May has the 29th.
    assert.equal(next('0 0 0 ? * 5#5', '2025-03-01T00:00:00Z'), '2025-05-29T00:00:00.000Z');
  });

  it('fixed date once a year', () => {
    assert.equal(next('0 11 11 11 11 ?', '2025-03-10T00:00:00Z'), '2025-11-11T11:11:00.000Z');
    assert.equal(next('0 11 11 11 11 ?', '2025-11-11T11:11:00Z'), '2026-11-11T11:11:00.000Z');
    assert.equal(next('0 0 0 29 2 ?', '2025-03-10T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  });

  it('month names and wrapping ranges', () => {
    assert.equal(next('0 0 0 1 JAN,JUL ?', '2025-03-10T00:00:00Z'), '2025-07-01T00:00:00.000Z');
    assert.equal(next('0 0 0 1 NOV-FEB ?', '2025-03-10T00:00:00Z'), '2025-11-01T00:00:00.000Z');
    assert.equal(next('0 0 0 1 NOV-FEB ?', '2025-12-01T00:00:00Z'), '2026-01-01T00:00:00.000Z');
    assert.equal(next('0 0 0 1 NOV-FEB ?', '2026-02-01T00:00:00Z'), '2026-11-01T00:00:00.000Z');
    assert.equal(next('0 0 22-2 * * ?', '2025-03-10T02:30:00Z'), '2025-03-10T22:00:00.000Z');
    assert.equal(next('0 0 22-2 * * ?', '2025-03-10T23:30:00Z'), '2025-03-11T00:00:00.000Z');
  });

  it('applies steps after names (docs/cron.md: Elasticsearch ignores them)', () => {
    // MON-FRI/2 = Monday, Wednesday, Friday; Tuesday 2025-03-11 → Wednesday 12th.
    assert.equal(next('0 0 0 ? * MON-FRI/2', '2025-03-11T00:00:00Z'), '2025-03-12T00:00:00.000Z');
    assert.equal(next('0 0 0 ? * MON-FRI/2', '2025-03-14T00:00:00Z'), '2025-03-17T00:00:00.000Z');
    assert.equal(next('0 0 0 1 JAN/3 ?', '2025-01-01T00:00:00Z'), '2025-04-01T00:00:00.000Z');
  });

  it('year field', () => {
    assert.equal(next('0 0 * * * ? 2030', '2025-03-10T12:00:00Z'), '2030-01-01T00:00:00.000Z');
    assert.equal(next('0 0 * * * ? 2030', '2030-06-01T12:30:00Z'), '2030-06-01T13:00:00.000Z');
    assert.equal(next('0 0 * * * ? 2030', '2030-12-31T23:00:00Z'), null);
    assert.equal(next('0 0 0 1 1 ? 2026-2028/2', '2026-01-01T00:00:00Z'), '2028-01-01T00:00:00.000Z');
  });

  it('returns null when the expression never fires again', () => {
    assert.equal(next('0 0 0 30 2 ?', '2025-03-10T00:00:00Z'), null);
    assert.equal(next('0 0 0 31 4 ?', '2025-03-10T00:00:00Z'), null);
    assert.equal(next('0 0 0 * * ? 2199', '2199-12-31T00:00:00Z'), null);
  });

  it('starts at 1970 for earlier instants', () => {
    assert.equal(next('0 0 0 1 1 ?', '1960-05-05T00:00:00Z'), '1970-01-01T00:00:00.000Z');
  });

  it('throws an illegal_argument_exception for an invalid expression', () => {
    assert.throws(
      () => nextFireTime('61 0 0 * * ?', new Date('2025-03-10T00:00:00Z')),
      (e: unknown) =>
        e instanceof ApiError &&
        e.type === 'illegal_argument_exception' &&
        e.reason === 'Invalid cron expression [61 0 0 * * ?]: second value 61 out of range 0-59',
    );
    assert.throws(() => nextFireTime('0 0 0 * * ?', new Date('nope')), ApiError);
  });
});
