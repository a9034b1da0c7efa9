/**
 * Date rounding and formatting of `date_histogram` / `date_range` (docs/embedded-index.md
 * "Aggregations"): calendar and fixed intervals in a time zone (a UTC offset such as `+01:00`,
 * or an IANA name resolved through `Intl`), and the Java-style formats of `key_as_string`.
 */
import { errors } from '../../domain/errors.js';

const FIXED_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const CALENDAR: Record<string, string> = {
  minute: 'm', '1m': 'm', hour: 'h', '1h': 'h', day: 'd', '1d': 'd', week: 'w', '1w': 'w',
  month: 'M', '1M': 'M', quarter: 'q', '1q': 'q', year: 'y', '1y': 'y',
};

export interface Zone {
  /** Offset from UTC in ms of the instant `t` (local = t + offset(t)). */
  offset(t: number): number;
  /** The zone's id for formatting (`Z`, `+01:00`, or the IANA name). */
  id: string;
}

const UTC: Zone = { offset: () => 0, id: 'Z' };

export function parseZone(tz: unknown): Zone {
  if (tz === undefined || tz === null || tz === 'UTC' || tz === 'Z' || tz === 'Etc/UTC') return UTC;
  if (typeof tz !== 'string') throw errors.illegalArgument(`[time_zone] must be a string, got [${String(tz)}]`);
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (m) {
    const off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000);
    if (Math.abs(off) > 18 * 3_600_000) throw errors.illegalArgument(`Zone offset hours not in valid range: value ${m[2]} is not in the range -18 to 18`);
    return { offset: () => off, id: off === 0 ? 'Z' : tz.includes(':') ? tz : `${tz.slice(0, 3)}:${tz.slice(3)}` };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw errors.illegalArgument(`Unknown time-zone ID: ${tz}`);
  }
  const cache = new Map<number, number>();
  const offset = (t: number) => {
    const hourKey = Math.floor(t / 900_000);
    const hit = cache.get(hourKey);
    if (hit !== undefined) return hit;
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const off = local - Math.floor(t / 1000) * 1000;
    if (cache.size < 4096) cache.set(hourKey, off);
    return off;
  };
  return { offset, id: tz };
}

/** The UTC instant of local time `local` in `zone` (the earlier one across a DST overlap). */
function fromLocal(zone: Zone, local: number): number {
  const guess = local - zone.offset(local);
  return local - zone.offset(guess);
}

export interface Rounding {
  /** The bucket key (UTC epoch ms) of the instant `t`. */
  round(t: number): number;
  /** The key of the bucket after the one keyed `key`. */
  next(key: number): number;
}

export function parseInterval(body: Record<string, unknown>, zone: Zone, name: string): Rounding {
  const cal = body.calendar_interval;
  const fixed = body.fixed_interval;
  const legacy = body.interval;
  if (legacy !== undefined) throw errors.illegalArgument('[interval] on [date_histogram] is no longer supported: use [calendar_interval] or [fixed_interval]');
  if ((cal === undefined) === (fixed === undefined)) {
    throw errors.illegalArgument(`Invalid interval specified, must be non-null and non-empty (aggregation [${name}]: one of [calendar_interval] or [fixed_interval])`);
  }
  const offsetMs = parseOffset(body.offset);
  if (cal !== undefined) {
    const unit = CALENDAR[String(cal)];
    if (!unit) throw errors.illegalArgument(`The supplied interval [${String(cal)}] could not be parsed as a calendar interval.`);
    return calendarRounding(unit, zone, offsetMs);
  }
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(String(fixed));
  if (!m || Number(m[1]) === 0) {
    throw errors.illegalArgument(`failed to parse setting [date_histogram.fixedInterval] with value [${String(fixed)}] as a time value: unit is missing or unrecognized`);
  }
  const step = Number(m[1]) * FIXED_UNITS[m[2]];
  return {
    round(t) {
      const local = t + zone.offset(t);
      return fromLocal(zone, Math.floor((local - offsetMs) / step) * step + offsetMs);
    },
    next(key) {
      const local = key + zone.offset(key);
      return fromLocal(zone, local + step);
    },
  };
}

function parseOffset(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^([+-]?)(\d+)(ms|s|m|h|d)$/.exec(String(v));
  if (!m) throw errors.illegalArgument(`failed to parse [offset] of value [${String(v)}]`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * FIXED_UNITS[m[3]];
}

function calendarRounding(unit: string, zone: Zone, offsetMs: number): Rounding {
  const floorLocal = (local: number): number => {
    const d = new Date(local);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    switch (unit) {
      case 'm': return Math.floor(local / 60_000) * 60_000;
      case 'h': return Math.floor(local / 3_600_000) * 3_600_000;
      case 'd': return Date.UTC(y, mo, d.getUTCDate());
      case 'w': return Date.UTC(y, mo, d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // Monday
      case 'M': return Date.UTC(y, mo, 1);
      case 'q': return Date.UTC(y, mo - (mo % 3), 1);
      default: return Date.UTC(y, 0, 1);
    }
  };
  const addLocal = (local: number): number => {
    const d = new Date(local);
    switch (unit) {
      case 'm': return local + 60_000;
      case 'h': return local + 3_600_000;
      case 'd': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      case 'w': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 7);
      case 'M': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      case 'q': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1);
      default: return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
    }
  };
  return {
    round(t) {
      const local = t + zone.offset(t) - offsetMs;
      return fromLocal(zone, floorLocal(local) + offsetMs);
    },
    next(key) {
      const local = key + zone.offset(key) - offsetMs;
      return fromLocal(zone, addLocal(floorLocal(local)) + offsetMs);
    },
  };
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

function offsetId(off: number): string {
  if (off === 0) return 'Z';
  const a = Math.abs(off) / 60_000;
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** A formatter of epoch millis for `key_as_string` (Elasticsearch's named formats and Java patterns). */
export function dateFormatter(format: unknown, zone: Zone): (t: number) => string {
  const f = format === undefined ? 'strict_date_optional_time' : String(format);
  if (f === 'epoch_millis') return (t) => String(t);
  if (f === 'epoch_second') return (t) => String(Math.floor(t / 1000));
  const named: Record<string, string> = {
    strict_date_optional_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", date_optional_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    strict_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    date: 'yyyy-MM-dd', strict_date: 'yyyy-MM-dd', year_month: 'yyyy-MM', year: 'yyyy', year_month_day: 'yyyy-MM-dd',
  };
  const pattern = named[f] ?? f;
  if (pattern.length > 100) throw errors.illegalArgument(`Invalid format: [${f}]`);
  const tokens = pattern.match(/'[^']*'|yyyy|uuuu|yy|MM|dd|HH|mm|ss|SSS|XXX|Z|[a-zA-Z]|[^a-zA-Z']+/g) ?? [];
  for (const tok of tokens) {
    if (/^[a-zA-Z]$/.test(tok) && tok !== 'Z') throw errors.illegalArgument(`Invalid format: [${f}]: Unknown pattern letter: ${tok}`);
  }
  return (t) => {
    const off = zone.offset(t);
    const d = new Date(t + off);
    return tokens.map((tok) => {
      switch (tok) {
        case 'yyyy': case 'uuuu': return pad(d.getUTCFullYear(), 4);
        case 'yy': return pad(d.getUTCFullYear() % 100);
        case 'MM': return pad(d.getUTCMonth() + 1);
        case 'dd': return pad(d.getUTCDate());
        case 'HH': return pad(d.getUTCHours());
        case 'mm': return pad(d.getUTCMinutes());
        case 'ss': return pad(d.getUTCSeconds());
        case 'SSS': return pad(d.getUTCMilliseconds(), 3);
        case 'XXX': return offsetId(off);
        case 'Z': return off === 0 ? '+0000' : offsetId(off).replace(':', '');
        default: return tok.startsWith("'") ? tok.slice(1, -1) : tok;
      }
    }).join('');
  };
}
