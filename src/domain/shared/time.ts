/**
 * Timestamps as Elasticsearch writes them (connector-api.md §1.4): ISO-8601 UTC with a `Z`
 * and at least millisecond digits. Parsing accepts ISO-8601 or a string of epoch millis.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Normalises an incoming timestamp string; returns undefined when it is not one. Sub-millisecond
 * digits of a UTC instant survive unchanged (ES round-trips `…50.567149Z`).
 */
export function normaliseTimestamp(value: string): string | undefined {
  const s = value.trim();
  if (/^-?\d{1,16}$/.test(s)) {
    const ms = Number(s);
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo, da, h = '00', mi = '00', se = '00', frac = '', zone = 'Z'] = m;
  const base = `${y}-${mo}-${da}T${h}:${mi}:${se}`;
  const d = new Date(`${base}.${(frac + '000').slice(0, 3)}${zone === 'Z' ? 'Z' : zone.length === 5 ? zone.slice(0, 3) + ':' + zone.slice(3) : zone}`);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject impossible calendar values that Date silently rolls over (Feb 30 and the like).
  if (zone === 'Z' && (d.getUTCDate() !== Number(da) || d.getUTCHours() !== Number(h))) return undefined;
  const iso = d.toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  const digits = frac.length > 3 ? frac.replace(/0+$/, '').padEnd(3, '0') : '';
  return digits.length > 3 ? iso.slice(0, 20) + digits + 'Z' : iso;
}

/** Compares two normalised timestamps as instants (string order works for equal shapes only). */
export function timestampMicros(ts: string): number {
  const m = /\.(\d+)Z$/.exec(ts);
  const micros = m ? Number((m[1] + '000000').slice(3, 6)) : 0;
  return Date.parse(ts) * 1000 + micros;
}
