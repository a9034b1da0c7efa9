/**
 * The subset of CQL (Confluence Query Language) the Confluence fixture server evaluates, written
 * from Atlassian's "Advanced searching using CQL" pages (developer.atlassian.com/cloud/confluence/
 * advanced-searching-using-cql/, and the Server/Data Center copy under
 * developer.atlassian.com/server/confluence/advanced-searching-using-cql/):
 *
 *   clause (AND clause)* [ORDER BY field [asc|desc] (, field [asc|desc])*]
 *   clause := field op value | field IN (value, …) | field NOT IN (value, …)
 *   fields: space (space.key), type, id, title (~ contains), text (~ contains), label,
 *           ancestor, parent, container, created, lastmodified
 *   dates:  "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm" — minute precision, in the
 *           searching user's time zone (the documentation's rule; `timeZone` of /user/current)
 *
 * OR and NOT are not evaluated: the fixture answers them with the same 400 the service gives an
 * unparsable query, naming the fixture's limit; parentheses around AND-ed clauses are accepted
 * (they change nothing without OR). Values may be quoted ("…" or '…').
 */

export interface CqlItem {
  id: string;
  type: string;
  spaceKey: string;
  title: string;
  text: string;
  labels: readonly string[];
  ancestors: readonly string[];
  parent: string | null;
  container: string | null;
  created: number;
  modified: number;
}

type Op = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=' | 'in' | 'not in';
interface Clause {
  field: string;
  op: Op;
  values: string[];
}
export interface Cql {
  clauses: Clause[];
  order: { field: string; desc: boolean }[];
}

export class CqlError extends Error {}

const FIELDS = new Set(['space', 'space.key', 'type', 'id', 'title', 'text', 'label', 'ancestor', 'parent', 'container', 'created', 'lastmodified']);

function tokens(q: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|!~|>=|<=|[=~<>(),]|[^\s=~<>!(),"']+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(q)) !== null) {
    out.push(m[1]);
    last = re.lastIndex;
  }
  if (q.slice(last).trim() !== '') throw new CqlError(`Could not parse cql : ${q}`);
  return out;
}

function unquote(t: string): string {
  return /^["']/.test(t) ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

export function parseCql(q: string): Cql {
  const t = tokens(q);
  let i = 0;
  const clauses: Clause[] = [];
  const order: Cql['order'] = [];
  const fail = (why: string) => new CqlError(`Could not parse cql : ${q} (${why})`);
  while (i < t.length) {
    const word = t[i].toLowerCase();
    if (word === 'or' || word === 'not') throw fail(`${t[i]} is not evaluated by this fixture`);
    if (t[i] === '(' || t[i] === ')') {
      i++;
      continue;
    }
    if (word === 'order' && t[i + 1]?.toLowerCase() === 'by') {
      i += 2;
      for (;;) {
        const f = t[i++]?.toLowerCase();
        if (!f || !FIELDS.has(f)) throw fail('ORDER BY needs a field');
        let desc = false;
        if (/^(asc|desc)$/i.test(t[i] ?? '')) desc = t[i++].toLowerCase() === 'desc';
        order.push({ field: f, desc });
        if (t[i] !== ',') break;
        i++;
      }
      if (i < t.length) throw fail('text after ORDER BY');
      break;
    }
    const field = word;
    if (!FIELDS.has(field)) throw fail(`unknown field ${t[i]}`);
    i++;
    let op = t[i++]?.toLowerCase() as Op | 'not' | undefined;
    if (op === 'not' && t[i]?.toLowerCase() === 'in') {
      op = 'not in';
      i++;
    }
    if (!op || !['=', '!=', '~', '!~', '>', '>=', '<', '<=', 'in', 'not in'].includes(op)) throw fail(`no operator after ${field}`);
    const values: string[] = [];
    if (op === 'in' || op === 'not in') {
      if (t[i++] !== '(') throw fail('IN needs a list');
      while (t[i] !== ')') {
        if (t[i] === undefined) throw fail('unclosed list');
        if (t[i] !== ',') values.push(unquote(t[i]));
        i++;
      }
      i++;
    } else {
      if (t[i] === undefined) throw fail(`no value after ${field} ${op}`);
      values.push(unquote(t[i++]));
    }
    clauses.push({ field: field === 'space.key' ? 'space' : field, op: op as Op, values });
    while (t[i] === ')') i++;
    if (i < t.length && t[i].toLowerCase() === 'and') i++;
    else if (i < t.length && t[i].toLowerCase() !== 'order' && t[i].toLowerCase() !== 'or') throw fail(`unexpected ${t[i]}`);
  }
  return { clauses, order };
}

/** Minutes since the epoch of a CQL date in `timeZone` (the searching user's zone). */
export function cqlDate(v: string, timeZone: string): number {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(v.trim());
  if (!m) throw new CqlError(`Could not parse cql : the date ${v} is not yyyy-MM-dd [HH:mm]`);
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0));
  return asUtc - zoneOffsetMs(asUtc, timeZone);
}

/** The offset of `timeZone` from UTC at about `at` (ms). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at / 1000) * 1000;
}

function matches(c: Clause, it: CqlItem, timeZone: string): boolean {
  const lc = (s: string) => s.toLowerCase();
  const one = (v: string): boolean => {
    switch (c.field) {
      case 'space': return lc(it.spaceKey) === lc(v);
      case 'type': return it.type === lc(v);
      case 'id': return it.id === v;
      case 'label': return it.labels.some((l) => lc(l) === lc(v));
      case 'ancestor': return it.ancestors.includes(v);
      case 'parent': return it.parent === v;
      case 'container': return it.container === v;
      case 'title': return c.op.includes('~') ? lc(it.title).includes(lc(v)) : it.title === v;
      case 'text': return lc(it.text).includes(lc(v)) || lc(it.title).includes(lc(v));
      default: return false;
    }
  };
  if (c.field === 'created' || c.field === 'lastmodified') {
    const at = c.field === 'created' ? it.created : it.modified;
    const d = cqlDate(c.values[0], timeZone);
    switch (c.op) {
      case '>': return at >= d + 60_000;
      case '>=': return at >= d;
      case '<': return at < d;
      case '<=': return at < d + 60_000;
      case '=': return at >= d && at < d + 60_000;
      default: throw new CqlError(`Could not parse cql : ${c.field} does not take ${c.op}`);
    }
  }
  if (c.op === 'in') return c.values.some(one);
  if (c.op === 'not in' || c.op === '!=' || c.op === '!~') return !c.values.some(one);
  if (c.op === '=' || c.op === '~') return one(c.values[0]);
  throw new CqlError(`Could not parse cql : ${c.field} does not take ${c.op}`);
}

/** The sort tuple of an item under a query's ORDER BY (else by id); the id breaks ties. */
export function sortTuple(it: CqlItem, q: Cql): (number | string)[] {
  const key = (f: string): number | string => (f === 'created' ? it.created : f === 'lastmodified' ? it.modified : f === 'title' ? it.title : idNumber(it.id));
  return [...q.order.map((o) => key(o.field)), idNumber(it.id)];
}

function idNumber(id: string): number {
  return Number(id.replace(/\D/g, ''));
}

/** Compares two sort tuples of the same query. */
export function compareTuples(a: (number | string)[], b: (number | string)[], q: Cql): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] < b[i] ? -1 : 1) * (q.order[i]?.desc ? -1 : 1);
  }
  return 0;
}

/** The items a query selects, in its ORDER BY (else by id), checking every date once. */
export function runCql<T extends CqlItem>(q: Cql, items: Iterable<T>, timeZone: string): T[] {
  for (const c of q.clauses) if (c.field === 'created' || c.field === 'lastmodified') cqlDate(c.values[0], timeZone);
  const out = [...items].filter((it) => q.clauses.every((c) => matches(c, it, timeZone)));
  return out.sort((a, b) => compareTuples(sortTuple(a, q), sortTuple(b, q), q));
}
