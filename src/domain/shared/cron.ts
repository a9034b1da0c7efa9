/**
 * Quartz cron expressions as Elasticsearch Watcher and connector scheduling use them
 * (connector-api.md §3.8, runtime.md "Scheduling"): `sec min hour day-of-month month
 * day-of-week [year]`, evaluated in UTC. `validateCron` gives a reason a user can act on;
 * `nextFireTime` computes the next run.
 *
 * It follows Elasticsearch's `Cron` class (a Quartz fork) in what it accepts, but rejects input
 * that class silently ignores or misreads: an eighth field, trailing characters after a value
 * (`5X`), step 0, years outside 1970-2199, `L`/`W`/`#` combined with lists. docs/cron.md has
 * the syntax.
 */

import { errors } from '../errors.js';

export type CronValidation = { valid: true } | { valid: false; reason: string };

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Largest step Elasticsearch allows after `/`. */
  maxStep: number;
  names?: Record<string, number>;
  namesHint?: string;
}

const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const DAY_NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59, maxStep: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59, maxStep: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23, maxStep: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, maxStep: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, maxStep: 12, names: MONTH_NAMES, namesHint: 'JAN-DEC' };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, maxStep: 7, names: DAY_NAMES, namesHint: 'SUN-SAT' };
const YEAR: FieldSpec = { name: 'year', min: MIN_YEAR, max: MAX_YEAR, maxStep: MAX_YEAR - MIN_YEAR };

/** `set` covers `*`, values, ranges and steps; the others are Quartz's special day forms. */
type DayOfMonthRule =
  | { kind: 'none' }
  | { kind: 'set'; days: boolean[] }
  | { kind: 'last'; offset: number; weekday: boolean }
  | { kind: 'nearestWeekday'; day: number };

/** Days of week are 1-7 with 1 = Sunday, as in Quartz. */
type DayOfWeekRule =
  | { kind: 'none' }
  | { kind: 'set'; days: boolean[] }
  | { kind: 'last'; day: number }
  | { kind: 'nth'; day: number; n: number };

interface Schedule {
  seconds: number[];
  minutes: number[];
  hours: number[];
  dayOfMonth: DayOfMonthRule;
  months: boolean[];
  dayOfWeek: DayOfWeekRule;
  years: boolean[];
}

class CronSyntaxError extends Error {}

function fail(detail: string): never {
  throw new CronSyntaxError(detail);
}

export function validateCron(expr: string): CronValidation {
  try {
    parseCron(expr);
    return { valid: true };
  } catch (e) {
    if (e instanceof CronSyntaxError) return { valid: false, reason: e.message };
    throw e;
  }
}

/**
 * The first fire time strictly after `after` (at whole-second precision, as Quartz), in UTC;
 * null when the expression never fires again (a past year, February 30th). Throws an
 * `illegal_argument_exception` for an invalid expression, so callers validate first.
 */
export function nextFireTime(expr: string, after: Date): Date | null {
  let schedule: Schedule;
  try {
    schedule = parseCron(expr);
  } catch (e) {
    if (e instanceof CronSyntaxError) throw errors.illegalArgument(e.message);
    throw e;
  }
  const ms = after.getTime();
  if (Number.isNaN(ms)) throw errors.illegalArgument('nextFireTime needs a valid date');
  const next = nextAtOrAfter(schedule, Math.floor(ms / 1000) * 1000 + 1000);
  return next === null ? null : new Date(next);
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseCron(expr: string): Schedule {
  const reason = (detail: string) => `Invalid cron expression [${expr}]: ${detail}`;
  if (typeof expr !== 'string') throw new CronSyntaxError(`Invalid cron expression [${String(expr)}]: expected a string`);
  const fields = expr.trim().toUpperCase().split(/\s+/).filter((f) => f !== '');
  if (fields.length === 0) throw new CronSyntaxError(reason('the expression is empty'));
  if (fields.length < 6 || fields.length > 7) {
    throw new CronSyntaxError(
      reason(`expected 6 or 7 space-separated fields (second minute hour day-of-month month day-of-week [year]) but found ${fields.length}`),
    );
  }
  try {
    const [sec, min, hour, dom, month, dow, year = '*'] = fields as [string, string, string, string, string, string, string?];
    const schedule: Schedule = {
      seconds: toList(parseList(sec, SECOND)),
      minutes: toList(parseList(min, MINUTE)),
      hours: toList(parseList(hour, HOUR)),
      dayOfMonth: parseDayOfMonth(dom),
      months: parseList(month, MONTH),
      dayOfWeek: parseDayOfWeek(dow),
      years: parseList(year, YEAR).slice(MIN_YEAR),
    };
    const domNone = schedule.dayOfMonth.kind === 'none';
    const dowNone = schedule.dayOfWeek.kind === 'none';
    if (domNone && dowNone) fail('day-of-month and day-of-week cannot both be ?: set one of them');
    if (!domNone && !dowNone) {
      fail(`day-of-month [${dom}] and day-of-week [${dow}] cannot both be set: use ? in one of them (e.g. 0 0 0 * * ? or 0 0 0 ? * MON)`);
    }
    return schedule;
  } catch (e) {
    if (e instanceof CronSyntaxError) throw new CronSyntaxError(reason(e.message));
    throw e;
  }
}

function toList(set: boolean[]): number[] {
  const out: number[] = [];
  set.forEach((on, i) => on && out.push(i));
  return out;
}

/** A comma-separated list of values, ranges and steps; index i of the result is value i. */
function parseList(text: string, spec: FieldSpec): boolean[] {
  if (text.includes('?')) {
    const dayField = spec === DAY_OF_MONTH || spec === DAY_OF_WEEK;
    fail(dayField ? `? must stand alone in the ${spec.name} field [${text}]` : `? is only allowed in day-of-month or day-of-week, not in the ${spec.name} field`);
  }
  const set: boolean[] = new Array(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    if (item === '') fail(`empty list entry in the ${spec.name} field [${text}]`);
    parseItem(item, spec, set);
  }
  return set;
}

function parseItem(item: string, spec: FieldSpec, set: boolean[]): void {
  const parts = item.split('/');
  if (parts.length > 2) fail(`more than one / in the ${spec.name} field [${item}]`);
  const [rangeText, stepText] = parts as [string, string?];
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) fail(`/ must be followed by a number in the ${spec.name} field [${item}]`);
    step = Number(stepText);
    if (step < 1 || step > spec.maxStep) fail(`step ${step} in the ${spec.name} field out of range 1-${spec.maxStep}`);
  }
  let start: number;
  let end: number;
  if (rangeText === '*' || (rangeText === '' && stepText !== undefined)) {
    start = spec.min;
    end = spec.max;
  } else {
    const bounds = rangeText.split('-');
    if (bounds.length > 2) fail(`a range needs exactly two ends in the ${spec.name} field [${item}]`);
    start = parseValue(bounds[0]!, spec);
    // `5/15` means "from 5 to the end, every 15"; a lone value is just that value.
    end = bounds.length === 2 ? parseValue(bounds[1]!, spec) : stepText !== undefined ? spec.max : start;
  }
  if (end < start) {
    // Quartz lets ranges wrap (`22-2` hours, `NOV-FEB`), except years.
    if (spec === YEAR) fail(`year range ${start}-${end} runs backwards`);
    end += spec.max - spec.min + 1;
  }
  const span = spec.max - spec.min + 1;
  for (let v = start; v <= end; v += step) set[((v - spec.min) % span) + spec.min] = true;
}

function parseValue(token: string, spec: FieldSpec): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) fail(`${spec.name} value ${n} out of range ${spec.min}-${spec.max}`);
    return n;
  }
  if (spec.names && /^[A-Z]{3}$/.test(token)) {
    const n = (spec.names as Record<string, number | undefined>)[token];
    if (n === undefined) fail(`invalid ${spec.name} name [${token}], expected ${spec.namesHint}`);
    return n;
  }
  if (token === '') fail(`missing value in the ${spec.name} field`);
  const allowed = spec.names ? `${spec.min}-${spec.max} or ${spec.namesHint}` : `${spec.min}-${spec.max}`;
  return fail(`unexpected [${token}] in the ${spec.name} field, expected ${allowed}`);
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  if (text === '?') return { kind: 'none' };
  if (text.includes('L')) {
    if (text.includes(',')) fail(`L cannot be combined with other days in day-of-month [${text}]`);
    const m = /^L(?:-(\d+))?(W?)$/.exec(text);
    if (!m) fail(`invalid use of L in day-of-month [${text}]: use L, L-n, LW or L-nW`);
    const offset = m[1] === undefined ? 0 : Number(m[1]);
    if (offset > 30) fail(`offset from the last day [${text}] must be at most 30`);
    return { kind: 'last', offset, weekday: m[2] === 'W' };
  }
  if (text.includes('W')) {
    const m = /^(\d+)W$/.exec(text);
    if (!m) fail(`W in day-of-month needs a single day, e.g. 15W, not [${text}]`);
    return { kind: 'nearestWeekday', day: parseValue(m[1]!, DAY_OF_MONTH) };
  }
  return { kind: 'set', days: parseList(text, DAY_OF_MONTH) };
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  if (text === '?') return { kind: 'none' };
  if (text.includes('#')) {
    const m = /^(\d+|[A-Z]{3})#(\d+)$/.exec(text);
    if (!m) fail(`# in day-of-week needs one day and one occurrence, e.g. 6#3 or FRI#3, not [${text}]`);
    const n = Number(m[2]);
    if (n < 1 || n > 5) fail(`occurrence ${n} in day-of-week [${text}] out of range 1-5`);
    return { kind: 'nth', day: parseValue(m[1]!, DAY_OF_WEEK), n };
  }
  if (text === 'L') return { kind: 'set', days: parseList('7', DAY_OF_WEEK) }; // L alone is Saturday
  if (text.includes('L')) {
    const m = /^(\d+|[A-Z]{3})L$/.exec(text);
    if (!m) fail(`L in day-of-week needs one day, e.g. 6L or FRIL, not [${text}]`);
    return { kind: 'last', day: parseValue(m[1]!, DAY_OF_WEEK) };
  }
  return { kind: 'set', days: parseList(text, DAY_OF_WEEK) };
}

// ---------------------------------------------------------------------------------------------
// Evaluation: walk day by day (skipping whole years and months that cannot match), then take
// the first time of day that fits.

function nextAtOrAfter(s: Schedule, fromMs: number): number | null {
  const d = new Date(fromMs);
  let y = d.getUTCFullYear();
  let mo = d.getUTCMonth() + 1;
  let day = d.getUTCDate();
  let h = d.getUTCHours();
  let mi = d.getUTCMinutes();
  let se = d.getUTCSeconds();
  if (y < MIN_YEAR) [y, mo, day, h, mi, se] = [MIN_YEAR, 1, 1, 0, 0, 0];
  while (y <= MAX_YEAR) {
    if (!s.years[y - MIN_YEAR]) {
      [y, mo, day, h, mi, se] = [y + 1, 1, 1, 0, 0, 0];
      continue;
    }
    if (!s.months[mo]) {
      [mo, day, h, mi, se] = [mo + 1, 1, 0, 0, 0];
      if (mo > 12) [y, mo] = [y + 1, 1];
      continue;
    }
    const dim = daysInMonth(y, mo);
    if (dayMatches(s, y, mo, day, dim)) {
      const time = firstTimeAtOrAfter(s, h, mi, se);
      if (time) return Date.UTC(y, mo - 1, day, time[0], time[1], time[2]);
    }
    [day, h, mi, se] = [day + 1, 0, 0, 0];
    if (day > dim) [mo, day] = [mo + 1, 1];
    if (mo > 12) [y, mo] = [y + 1, 1];
  }
  return null;
}

function firstTimeAtOrAfter(s: Schedule, h0: number, m0: number, s0: number): [number, number, number] | null {
  for (const h of s.hours) {
    if (h < h0) continue;
    for (const m of s.minutes) {
      if (h === h0 && m < m0) continue;
      for (const sec of s.seconds) {
        if (h === h0 && m === m0 && sec < s0) continue;
        return [h, m, sec];
      }
    }
  }
  return null;
}

function dayMatches(s: Schedule, y: number, mo: number, day: number, dim: number): boolean {
  const dom = s.dayOfMonth;
  switch (dom.kind) {
    case 'set':
      return dom.days[day] === true;
    case 'last': {
      const target = dim - dom.offset;
      if (target < 1) return false;
      return day === (dom.weekday ? nearestWeekday(y, mo, target, dim) : target);
    }
    case 'nearestWeekday':
      // Quartz never moves `nW` into another month; a day this month lacks (31W in April) skips it.
      return dom.day <= dim && day === nearestWeekday(y, mo, dom.day, dim);
    case 'none':
      break;
  }
  const dow = s.dayOfWeek;
  const weekday = new Date(Date.UTC(y, mo - 1, day)).getUTCDay() + 1;
  switch (dow.kind) {
    case 'set':
      return dow.days[weekday] === true;
    case 'last':
      return weekday === dow.day && day + 7 > dim;
    case 'nth':
      return weekday === dow.day && Math.ceil(day / 7) === dow.n;
    case 'none':
      return false; // unreachable: parseCron requires exactly one `?`
  }
}

/** Quartz's `W`: Saturday moves back to Friday and Sunday forward to Monday, within the month. */
function nearestWeekday(y: number, mo: number, day: number, dim: number): number {
  const weekday = new Date(Date.UTC(y, mo - 1, day)).getUTCDay(); // 0 = Sunday
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === dim ? day - 2 : day + 1;
  return day;
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
