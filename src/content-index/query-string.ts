/**
 * `query_string` basics for the embedded index: the Lucene syntax most people type, translated
 * into the Query DSL subset (bool / match / match_phrase / multi_match / range / exists /
 * prefix) that `query-compile.ts` understands. Supported: AND OR NOT && || ! + -, parentheses,
 * "quoted phrases" (with ~slop), field:value, field:(a b), field:[a TO b] / {a TO b},
 * field:>x / >= / < / <=, _exists_:field, trailing-* prefixes, ^boost, * and *:*.
 */
import { errors } from '../domain/errors.js';

type Dsl = Record<string, unknown>;

interface Tok {
  kind: 'and' | 'or' | 'not' | 'plus' | 'minus' | 'lparen' | 'rparen' | 'word' | 'phrase' | 'range';
  text: string;
  field?: string;
  boost?: number;
  slop?: number;
  /** For ranges: [lower, upper, includeLower, includeUpper] or a comparison (`>=5`). */
  range?: { gt?: string; gte?: string; lt?: string; lte?: string };
}

export interface QueryStringOptions {
  defaultFields: string[];
  defaultOperator: 'and' | 'or';
}

const SPECIAL = new Set(['(', ')', '"', ' ', '\t', '\n', '\r']);

function tokenizeQuery(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const readWord = (): string => {
    let w = '';
    while (i < input.length && !SPECIAL.has(input[i]) && input[i] !== '^' && input[i] !== '~') {
      if (input[i] === '\\' && i + 1 < input.length) w += input[++i];
      else w += input[i];
      i++;
    }
    return w;
  };
  const suffix = (t: Tok): Tok => {
    const m = /^([~^])(\d+(?:\.\d+)?)?/.exec(input.slice(i));
    if (m) {
      i += m[0].length;
      if (m[1] === '^') t.boost = Number(m[2] ?? 1);
      else if (t.kind === 'phrase') t.slop = Number(m[2] ?? 0);
      return suffix(t);
    }
    return t;
  };
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '(') { out.push({ kind: 'lparen', text: c }); i++; continue; }
    if (c === ')') { out.push({ kind: 'rparen', text: c }); i++; continue; }
    if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw errors.queryShard(`Failed to parse query [${input}]`);
      const text = input.slice(i + 1, end);
      i = end + 1;
      out.push(suffix({ kind: 'phrase', text }));
      continue;
    }
    if (input.startsWith('&&', i)) { out.push({ kind: 'and', text: '&&' }); i += 2; continue; }
    if (input.startsWith('||', i)) { out.push({ kind: 'or', text: '||' }); i += 2; continue; }
    if (c === '!' ) { out.push({ kind: 'not', text: c }); i++; continue; }
    if ((c === '+' || c === '-') && i + 1 < input.length && !SPECIAL.has(input[i + 1])) {
      out.push({ kind: c === '+' ? 'plus' : 'minus', text: c });
      i++;
      continue;
    }
    const word = readWord();
    if (word === 'AND') { out.push({ kind: 'and', text: word }); continue; }
    if (word === 'OR') { out.push({ kind: 'or', text: word }); continue; }
    if (word === 'NOT') { out.push({ kind: 'not', text: word }); continue; }
    const colon = findFieldColon(word);
    if (colon > 0) {
      const field = word.slice(0, colon);
      const rest = word.slice(colon + 1);
      if (rest === '' && (input[i] === '"' || input[i] === '(')) {
        out.push({ kind: 'word', text: '', field }); // field applies to the following phrase / group
        continue;
      }
      if (rest === '' && (input[i] === '[' || input[i] === '{')) continue;
      out.push(suffix(fieldValue(field, rest, input, () => i, (n) => (i = n))));
      continue;
    }
    if ((word.startsWith('[') || word.startsWith('{')) && out.length && out[out.length - 1].text === '') {
      const t = out.pop()!;
      out.push(suffix(fieldValue(t.field!, word, input, () => i, (n) => (i = n))));
      continue;
    }
    out.push(suffix({ kind: 'word', text: word }));
  }
  return out;
}

function findFieldColon(word: string): number {
  if (word.startsWith('[') || word.startsWith('{')) return -1;
  return word.indexOf(':');
}

/** `field:value`, `field:[a TO b]`, `field:>5`; ranges may span the following words. */
function fieldValue(field: string, rest: string, input: string, pos: () => number, setPos: (n: number) => void): Tok {
  if (rest.startsWith('[') || rest.startsWith('{')) {
    let text = rest;
    let i = pos();
    while (!/[\]}]$/.test(text) && i < input.length) {
      const end = input.slice(i).search(/[\]}]/);
      if (end < 0) break;
      text += input.slice(i, i + end + 1);
      i += end + 1;
    }
    setPos(i);
    const m = /^([[{])\s*(\S+)\s+TO\s+(\S+?)\s*([\]}])$/.exec(text);
    if (!m) throw errors.queryShard(`Failed to parse query [${input}]`);
    const range: Tok['range'] = {};
    if (m[2] !== '*') range[m[1] === '[' ? 'gte' : 'gt'] = m[2];
    if (m[3] !== '*') range[m[4] === ']' ? 'lte' : 'lt'] = m[3];
    return { kind: 'range', text, field, range };
  }
  const cmp = /^(>=|<=|>|<)(.+)$/.exec(rest);
  if (cmp) {
    const op = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' }[cmp[1]] as 'gte';
    return { kind: 'range', text: rest, field, range: { [op]: cmp[2] } };
  }
  return { kind: 'word', text: rest, field };
}

/**
 * Parentheses nested deeper than this cannot make a valid query (the compiled query's nesting is
 * bounded by `max_nested_depth`, 30 by default); refusing them here keeps the recursive parser
 * off the end of the stack.
 */
const MAX_PAREN_DEPTH = 100;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly opts: QueryStringOptions,
  ) {}

  parse(): Dsl {
    const q = this.expr(this.opts.defaultFields);
    if (this.i < this.toks.length) throw errors.queryShard(`Failed to parse query: unexpected [${this.toks[this.i].text}]`);
    return q;
  }

  /** OR-groups of AND-chains; juxtaposition uses the default operator. */
  private expr(fields: string[]): Dsl {
    const groups: { node: Dsl; mod: 'must' | 'not' | 'should' }[][] = [[]];
    let pendingAnd = false;
    while (this.i < this.toks.length && this.toks[this.i].kind !== 'rparen') {
      const t = this.toks[this.i];
      if (t.kind === 'and') { pendingAnd = true; this.i++; continue; }
      if (t.kind === 'or') { groups.push([]); pendingAnd = false; this.i++; continue; }
      const item = this.unary(fields);
      const current = groups[groups.length - 1];
      if (current.length > 0 && !pendingAnd && this.opts.defaultOperator === 'or') groups.push([item]);
      else current.push(item);
      pendingAnd = false;
    }
    const ored = groups.filter((g) => g.length > 0).map((g) => andChain(g));
    if (ored.length === 0) return { match_none: {} };
    if (ored.length === 1) return ored[0];
    const must = ored.filter((n) => isMod(n, 'must')).map(unwrap);
    const not = ored.filter((n) => isMod(n, 'not')).map(unwrap);
    const should = ored.filter((n) => !isMod(n, 'must') && !isMod(n, 'not'));
    if (must.length === 0 && not.length === 0) return { bool: { should, minimum_should_match: 1 } };
    return { bool: { must, must_not: not, should } };
  }

  private unary(fields: string[]): { node: Dsl; mod: 'must' | 'not' | 'should' } {
    const t = this.toks[this.i];
    if (t.kind === 'not' || t.kind === 'minus') {
      this.i++;
      return { node: this.primary(fields), mod: 'not' };
    }
    if (t.kind === 'plus') {
      this.i++;
      return { node: this.primary(fields), mod: 'must' };
    }
    return { node: this.primary(fields), mod: 'should' };
  }

  private primary(fields: string[]): Dsl {
    const t = this.toks[this.i++];
    if (!t) throw errors.queryShard('Failed to parse query: unexpected end of query');
    if (t.kind === 'lparen') {
      if (++this.depth > MAX_PAREN_DEPTH) {
        throw errors.illegalArgument('The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]');
      }
      const inner = this.expr(fields);
      this.depth--;
      if (this.toks[this.i]?.kind !== 'rparen') throw errors.queryShard('Failed to parse query: missing )');
      this.i++;
      return finish(inner);
    }
    if (t.kind === 'word' && t.text === '' && t.field) {
      const next = this.toks[this.i];
      if (next?.kind === 'lparen') return this.primary([t.field]);
      if (next?.kind === 'phrase') {
        this.i++;
        return leaf({ ...next, field: t.field }, [t.field]);
      }
      throw errors.queryShard(`Failed to parse query: missing value for field [${t.field}]`);
    }
    if (t.kind === 'word' || t.kind === 'phrase' || t.kind === 'range') return leaf(t, t.field ? [t.field] : fields);
    throw errors.queryShard(`Failed to parse query: unexpected [${t.text}]`);
  }
}

function andChain(items: { node: Dsl; mod: 'must' | 'not' | 'should' }[]): Dsl {
  if (items.length === 1 && items[0].mod === 'should') return items[0].node;
  if (items.length === 1) return { [`__${items[0].mod}`]: items[0].node };
  const must = items.filter((x) => x.mod !== 'not').map((x) => x.node);
  const not = items.filter((x) => x.mod === 'not').map((x) => x.node);
  return { bool: { must, must_not: not } };
}

const isMod = (n: Dsl, mod: string) => `__${mod}` in n;
const unwrap = (n: Dsl) => Object.values(n)[0] as Dsl;

function leaf(t: Tok, fields: string[]): Dsl {
  const boost = t.boost ?? 1;
  if (t.kind === 'range') {
    if (fields[0] === '_exists_') throw errors.queryShard('_exists_ takes a field name');
    return { range: { [fields[0]]: { ...t.range, boost } } };
  }
  if (fields.length === 1 && fields[0] === '_exists_') return { exists: { field: t.text } };
  if (t.kind === 'word' && (t.text === '*' || t.text === '*:*') && (fields[0] === '*' || t.text === '*:*')) {
    return { match_all: { boost } };
  }
  if (t.kind === 'word' && t.text === '*') return { exists: { field: fields[0] } };
  const multi = fields.length > 1 || fields[0].includes('*');
  const prefix = t.kind === 'word' && t.text.endsWith('*') && !t.text.slice(0, -1).includes('*');
  const text = prefix ? t.text.slice(0, -1) : t.text;
  if (t.kind === 'phrase' || prefix) {
    const type = prefix ? 'phrase_prefix' : 'phrase';
    if (multi) return { multi_match: { query: text, fields, type, slop: t.slop ?? 0, boost } };
    return { [prefix ? 'match_phrase_prefix' : 'match_phrase']: { [fields[0]]: { query: text, slop: t.slop ?? 0, boost } } };
  }
  if (multi) return { multi_match: { query: text, fields, lenient: true, boost } };
  return { match: { [fields[0]]: { query: text, lenient: true, boost } } };
}

/** Translates a `query_string` query into the DSL subset. */
export function parseQueryString(query: string, opts: QueryStringOptions): Dsl {
  return finish(new Parser(tokenizeQuery(query), opts).parse());
}

/** Resolves a lone `+x` / `-x` marker into a real query. */
function finish(q: Dsl): Dsl {
  if (isMod(q, 'must')) return unwrap(q);
  if (isMod(q, 'not')) return { bool: { must_not: [unwrap(q)] } };
  return q;
}
