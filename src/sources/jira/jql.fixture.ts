/**
 * The subset of JQL the Jira fixture server (jira.fixture.ts) evaluates, after Atlassian's
 * "Use advanced search with Jira Query Language (JQL)" pages (support.atlassian.com/jira-
 * software-cloud/docs/jql-fields/, …/jql-operators/, …/jql-keywords/):
 *
 *   clauses   project (key, name or id), id / issue / issuekey / key (numeric id or issue key),
 *             updated / created (`"yyyy/MM/dd HH:mm"`, `"yyyy-MM-dd HH:mm"`, `"yyyy/MM/dd"`, or
 *             `-5d` / `-3h` / `-10m`, read in the user's time zone — minute precision),
 *             summary / text (`~` contains), type / issuetype
 *   operators = != > >= < <= ~ !~ IN (…) NOT IN (…); AND, OR, NOT, parentheses
 *   ORDER BY  field [ASC|DESC], …
 *
 * A malformed query or an unknown field throws JqlError, answered 400 with Jira's
 * `{"errorMessages": [...]}`.
 */

export class JqlError extends Error {}

export interface JqlIssue {
  id: number;
  key: string;
  project: { id: string; key: string; name: string };
  created: number;
  updated: number;
  summary: string;
  text: string;
  type: string;
}

type Pred = (i: JqlIssue) => boolean;
type Tok = { t: 'word' | 'str' | 'op' | 'p'; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|>=|<=|!~|[=<>~])|([(),])|([^\s"'()=<>~!,]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < q.length && (m = re.exec(q))) {
    if (m[1]) out.push({ t: 'str', v: m[1].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[2]) out.push({ t: 'op', v: m[2] });
    else if (m[3]) out.push({ t: 'p', v: m[3] });
    else if (m[4]) out.push({ t: 'word', v: m[4] });
  }
  if (q.slice(re.lastIndex).trim()) throw new JqlError(`Error in the JQL Query: cannot read '${q.slice(re.lastIndex, re.lastIndex + 20)}'.`);
  return out;
}

/** A JQL date in time zone `tz` → epoch ms (the start of the minute or day). */
export function parseJqlDate(v: string, tz: string, now = Date.now()): number {
  const rel = /^([-+]?)(\d+)([wdhm])$/.exec(v);
  if (rel) {
    const n = Number(rel[2]) * { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[3] as 'w' | 'd' | 'h' | 'm'];
    return rel[1] === '-' ? now - n : now + n;
  }
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?: (\d{1,2}):(\d{2}))?$/.exec(v);
  if (!m) throw new JqlError(`Date value '${v}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0));
  // The zone's offset at that wall-clock time: format the guess in `tz`, compare.
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(guess);
  const p = (t: string) => Number(f.find((x) => x.type === t)?.value);
  const asTz = Date.UTC(p('year'), p('month') - 1, p('day'), p('hour'), p('minute'));
  return guess - (asTz - guess);
}

export function compileJql(q: string, o: { tz: string; idOfKey(key: string): number | undefined }): { where: Pred; order: (a: JqlIssue, b: JqlIssue) => number } {
  const toks = tokenize(q);
  let i = 0;
  const peek = () => toks[i];
  const kw = (w: string) => peek()?.t === 'word' && peek().v.toUpperCase() === w;
  const take = () => {
    const t = toks[i++];
    if (!t) throw new JqlError('Error in the JQL Query: the query ended unexpectedly.');
    return t;
  };
  const value = (): string => {
    const t = take();
    if (t.t !== 'word' && t.t !== 'str') throw new JqlError(`Error in the JQL Query: expected a value but got '${t.v}'.`);
    return t.v;
  };
  const cmp = (a: number, op: string, b: number) => (op === '=' ? a === b : op === '!=' ? a !== b : op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b);
  const clause = (): Pred => {
    const field = take();
    if (field.t !== 'word') throw new JqlError(`Error in the JQL Query: expected a field but got '${field.v}'.`);
    const f = field.v.toLowerCase();
    let op: string;
    let values: string[];
    if (kw('NOT') && toks[i + 1]?.v.toUpperCase() === 'IN') {
      i += 2;
      op = 'not in';
    } else if (kw('IN')) {
      i++;
      op = 'in';
    } else {
      const t = take();
      if (t.t !== 'op') throw new JqlError(`Error in the JQL Query: expected an operator after '${field.v}'.`);
      op = t.v;
    }
    if (op === 'in' || op === 'not in') {
      if (take().v !== '(') throw new JqlError("Error in the JQL Query: expected '(' after IN.");
      values = [value()];
      while (peek()?.v === ',') {
        i++;
        values.push(value());
      }
      if (take().v !== ')') throw new JqlError("Error in the JQL Query: expected ')'.");
    } else values = [value()];
    switch (f) {
      case 'project': {
        const one = (x: JqlIssue, v: string) => x.project.key.toLowerCase() === v.toLowerCase() || x.project.name === v || x.project.id === v;
        if (!['=', '!=', 'in', 'not in'].includes(op)) break;
        return (x) => values.some((v) => one(x, v)) === (op === '=' || op === 'in');
      }
      case 'id': case 'issue': case 'issuekey': case 'key': {
        const ids = values.map((v) => {
          if (/^\d+$/.test(v)) return Number(v);
          const id = o.idOfKey(v.toUpperCase());
          if (id === undefined) throw new JqlError(`An issue with key '${v}' does not exist for field '${field.v}'.`);
          return id;
        });
        if (op === 'in' || op === 'not in') return (x) => ids.includes(x.id) === (op === 'in');
        if (['~', '!~'].includes(op)) break;
        return (x) => cmp(x.id, op, ids[0]);
      }
      case 'updated': case 'updateddate': case 'created': case 'createddate': {
        if (['~', '!~', 'in', 'not in'].includes(op)) break;
        const at = parseJqlDate(values[0], o.tz);
        const get = f.startsWith('updated') ? (x: JqlIssue) => x.updated : (x: JqlIssue) => x.created;
        return (x) => cmp(get(x), op, at);
      }
      case 'summary': case 'text': {
        if (op !== '~' && op !== '!~') break;
        const word = values[0].toLowerCase().replace(/\*/g, '');
        return (x) => (f === 'summary' ? x.summary : `${x.summary}\n${x.text}`).toLowerCase().includes(word) === (op === '~');
      }
      case 'type': case 'issuetype':
        if (!['=', '!=', 'in', 'not in'].includes(op)) break;
        return (x) => values.some((v) => v.toLowerCase() === x.type.toLowerCase()) === (op === '=' || op === 'in');
      default:
        throw new JqlError(`Field '${field.v}' does not exist or you do not have permission to view it.`);
    }
    throw new JqlError(`The operator '${op}' is not supported by the '${field.v}' field.`);
  };
  const unary = (): Pred => {
    if (kw('NOT')) {
      i++;
      const p = unary();
      return (x) => !p(x);
    }
    if (peek()?.v === '(') {
      i++;
      const p = or();
      if (take().v !== ')') throw new JqlError("Error in the JQL Query: expected ')'.");
      return p;
    }
    return clause();
  };
  const and = (): Pred => {
    let p = unary();
    while (kw('AND')) {
      i++;
      const a = p;
      const b = unary();
      p = (x) => a(x) && b(x);
    }
    return p;
  };
  const or = (): Pred => {
    let p = and();
    while (kw('OR')) {
      i++;
      const a = p;
      const b = and();
      p = (x) => a(x) || b(x);
    }
    return p;
  };
  const where: Pred = toks.length === 0 || kw('ORDER') ? () => true : or();
  const keys: [(x: JqlIssue) => number | string, number][] = [];
  if (kw('ORDER')) {
    i++;
    if (!kw('BY')) throw new JqlError("Error in the JQL Query: expected 'by' after 'order'.");
    i++;
    do {
      if (peek()?.v === ',') i++;
      const f = value().toLowerCase();
      const get = f === 'updated' ? (x: JqlIssue) => x.updated : f === 'created' ? (x: JqlIssue) => x.created : f === 'key' || f === 'id' || f === 'issuekey' ? (x: JqlIssue) => x.id : null;
      if (!get) throw new JqlError(`Not able to sort using field '${f}'.`);
      let dir = 1;
      if (kw('ASC') || kw('DESC')) dir = take().v.toUpperCase() === 'DESC' ? -1 : 1;
      keys.push([get, dir]);
    } while (peek()?.v === ',');
  }
  if (i < toks.length) throw new JqlError(`Error in the JQL Query: unexpected '${toks[i].v}'.`);
  if (!keys.length) keys.push([(x) => x.id, -1]); // Jira's default: newest first
  const order = (a: JqlIssue, b: JqlIssue) => {
    for (const [get, dir] of keys) {
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * dir;
    }
    return a.id - b.id;
  };
  return { where, order };
}
