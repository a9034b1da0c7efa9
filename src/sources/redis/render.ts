/**
 * A Redis value as text, the way Elastic's redis source writes it into `value`: that source
 * reads values with a Python client and stores `str(value)`, so a hash reads
 * `{'field': 'value'}`, a list `['a', 'b']`, a set `{'a', 'b'}`, a sorted set
 * `[('member', 1.0)]`, a stream `[['key', [('1-0', {'f': 'v'})]]]`, a JSON document (RedisJSON)
 * its Python form, and a string that parses as JSON its parsed Python form (`{"a":1}` →
 * `{'a': 1}`, `true` → `True`), any other string itself. Search applications built for
 * Elastic's connector see the same text. Written from Python's documented `repr` rules
 * (str, float, int, dict, list, tuple, set, bool, None), not from its source.
 */
import { pyDict, pyStr } from '../shared/python-repr.js';

export { pyDict, pyStr };

/** Python's `repr(float)`: shortest round-trip digits, fixed from 1e-4 to 1e16, else `1e+16`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expPart] = Math.abs(x).toExponential().split('e');
  const exp = Number(expPart);
  const digits = mant.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    const point = exp + 1; // digits before the decimal point
    let s: string;
    if (point <= 0) s = `0.${'0'.repeat(-point)}${digits}`;
    else if (point >= digits.length) s = `${digits}${'0'.repeat(point - digits.length)}.0`;
    else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
    return sign + s;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A sorted-set score as Redis sends it (`1`, `2.5`, `inf`, `-inf`), as Python's float repr. */
export function pyScore(score: string): string {
  const s = score.trim().toLowerCase();
  if (s === 'inf' || s === '+inf') return 'inf';
  if (s === '-inf') return '-inf';
  return pyFloat(Number(s));
}

export const pyList = (items: string[]): string => `[${items.join(', ')}]`;
export const pyTuple = (items: string[]): string => (items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`);
export const pySet = (items: string[]): string => (items.length === 0 ? 'set()' : `{${items.join(', ')}}`);

/** Nesting past this is left as the raw text (Python's own parser gives up near 1000). */
const MAX_DEPTH = 500;

/** Thrown inside the parser for "not JSON"; a constant, so no stack is captured per value. */
const NOT_JSON = Symbol('not JSON');

/** First characters a JSON text (as json.loads reads it) can start with, after whitespace. */
const JSON_START = /^[\s]*[[{"tfnNI\-0-9]/;

/**
 * `str(json.loads(text))` when `text` is JSON as Python's `json.loads` reads it (also `NaN`,
 * `Infinity`, `-Infinity`; integers of any size; duplicate keys keep the last value), else
 * null. Linear in the text.
 */
export function pyFromJson(text: string): string | null {
  if (!JSON_START.test(text)) return null; // most strings: no parse at all
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw NOT_JSON;
  };
  const lit = (word: string, out: string): string => {
    if (!text.startsWith(word, i)) fail();
    i += word.length;
    return out;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      const j = text.indexOf('"', i);
      const k = text.indexOf('\\', i);
      if (j < 0) fail();
      if (k >= 0 && k < j) {
        out += text.slice(i, k);
        i = k + 1;
        const e = text[i++];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) out += simple[e];
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
          i += 4;
        } else fail();
        continue;
      }
      const chunk = text.slice(i, j);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f]/.test(chunk)) fail(); // json.loads is strict about control characters
      out += chunk;
      i = j + 1;
      return out;
    }
  };
  const num = (): string => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 4096));
    if (!m || m[0] === '-') {
      if (text.startsWith('-Infinity', i)) return lit('-Infinity', '-inf');
      return fail();
    }
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return m[0] === '-0' ? '0' : m[0].replace(/^-0$/, '0');
    return pyFloat(Number(m[0]));
  };
  const value = (depth: number): string => {
    if (depth > MAX_DEPTH) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const pairs = new Map<string, string>();
      ws();
      if (text[i] === '}') {
        i++;
        return '{}';
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = pyStr(str());
        ws();
        if (text[i++] !== ':') fail();
        pairs.set(k, value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === '}') return pyDict([...pairs]);
        if (sep !== ',') fail();
      }
    }
    if (c === '[') {
      i++;
      const items: string[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return '[]';
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === ']') return pyList(items);
        if (sep !== ',') fail();
      }
    }
    if (c === '"') return pyStr(str());
    if (c === 't') return lit('true', 'True');
    if (c === 'f') return lit('false', 'False');
    if (c === 'n') return lit('null', 'None');
    if (c === 'N') return lit('NaN', 'nan');
    if (c === 'I') return lit('Infinity', 'inf');
    return num();
  };
  try {
    ws();
    // A top-level string is printed by str(), i.e. without quotes.
    const top = text[i] === '"' ? str() : value(0);
    ws();
    if (i !== text.length) return null;
    return top;
  } catch (err) {
    if (err === NOT_JSON) return null;
    throw err;
  }
}

/** A string key's value: its JSON reading when it is JSON, else the text itself. */
export function pyStringValue(text: string): string {
  return pyFromJson(text) ?? text;
}
