/**
 * Elasticsearch date math for `range` bounds on date fields: `now`, an anchor date followed by
 * `||`, then `+1d`, `-2h`, `/d` (rounding). Units: y M w d h H m s. Rounding goes down for
 * `gte`/`lt` and up (end of the unit) for `gt`/`lte`, as Elasticsearch does.
 */

const UNIT = /^([+-])(\d+)([yMwdhHms])|^\/([yMwdhHms])/;

/** Epoch millis for a date-math expression, or NaN when it cannot be parsed. */
export function parseDateMath(value: unknown, roundUp: boolean, now = Date.now()): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  let rest: string;
  let t: number;
  if (value.startsWith('now')) {
    t = now;
    rest = value.slice(3);
  } else {
    const i = value.indexOf('||');
    t = dateMillis(i < 0 ? value : value.slice(0, i));
    rest = i < 0 ? '' : value.slice(i + 2);
    if (i < 0 && roundUp) t = roundUpPartialDate(value, t);
  }
  while (rest.length > 0 && !Number.isNaN(t)) {
    const m = UNIT.exec(rest);
    if (!m) return NaN;
    rest = rest.slice(m[0].length);
    if (m[4]) t = round(t, m[4], roundUp);
    else t = add(t, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3]);
  }
  return t;
}

/** `lte: "2024-01-31"` includes the whole day in Elasticsearch (missing fields round up). */
function roundUpPartialDate(value: string, t: number): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return t + 86_400_000 - 1;
  return t;
}

function add(t: number, n: number, unit: string): number {
  const d = new Date(t);
  switch (unit) {
    case 'y': d.setUTCFullYear(d.getUTCFullYear() + n); return d.getTime();
    case 'M': d.setUTCMonth(d.getUTCMonth() + n); return d.getTime();
    case 'w': return t + n * 7 * 86_400_000;
    case 'd': return t + n * 86_400_000;
    case 'h': case 'H': return t + n * 3_600_000;
    case 'm': return t + n * 60_000;
    default: return t + n * 1000;
  }
}

function round(t: number, unit: string, up: boolean): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  let start: number;
  let next: number;
  switch (unit) {
    case 'y': start = Date.UTC(y, 0); next = Date.UTC(y + 1, 0); break;
    case 'M': start = Date.UTC(y, mo); next = Date.UTC(y, mo + 1); break;
    case 'w': {
      const dow = (d.getUTCDay() + 6) % 7; // weeks start on Monday
      start = Date.UTC(y, mo, day - dow);
      next = start + 7 * 86_400_000;
      break;
    }
    case 'd': start = Date.UTC(y, mo, day); next = start + 86_400_000; break;
    case 'h': case 'H': start = t - (t % 3_600_000); next = start + 3_600_000; break;
    case 'm': start = t - (t % 60_000); next = start + 60_000; break;
    default: start = t - (t % 1000); next = start + 1000;
  }
  return up ? next - 1 : start;
}

/** Parses a date value (ISO-8601 string or epoch millis) to epoch millis; NaN when invalid. */
export function dateMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  if (/^-?\d{1,16}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return NaN;
  let s = value.replace(',', '.').replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(s)) s += ':00';
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(s)) s += 'Z'; // no zone: UTC, as Elasticsearch assumes
  return Date.parse(s);
}
