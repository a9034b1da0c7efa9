/**
 * Reads the keys of one SCAN page into documents' fields (docs/sources/redis.md "Documents"):
 * type and memory use of every key in one round trip; lengths of the keys that may be large in
 * a second; then the values: whole values in pipelined batches of at most BATCH_BYTES (by memory
 * use), collections that are large (memory use over SMALL_BYTES or the bound, and over CHUNK
 * elements) in chunks of CHUNK elements. A string is read up to `max_value_size` bytes, a
 * collection until its rendered text reaches `max_value_size` characters; past that the value
 * is truncated and the key reported with the reason. Values are rendered as Elastic's source
 * renders them (render.ts).
 */
import type { Arg, RedisDb, Reply } from './client.js';
import { pyDict, pyFromJson, pyList, pyScore, pySet, pyStr, pyStringValue, pyTuple } from './render.js';

/** Elements per request for collections read in chunks. */
export const CHUNK = 512;
/** Bytes of values (as expected from lengths and memory use) per pipelined batch. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Keys using at most this much memory are read whole without a length request. */
const SMALL_BYTES = 256 * 1024;
/** Expected bytes per collection element when memory use is unknown. */
const GUESS_ELEMENT_BYTES = 64;

export interface KeyRead {
  key: Buffer;
  type: string;
  /** MEMORY USAGE, null when the server refuses it. */
  size: number | null;
  value: string;
  /** Why the value is truncated or empty (reported as a per-document failure). */
  problem: string | null;
}

export interface ReadOptions {
  maxValueSize: number;
  /** Cleared after the server refuses MEMORY USAGE once (an ACL without it). */
  memoryUsage: { enabled: boolean };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class NotText extends Error {}

/** UTF-8 text of a reply element; Elastic's client decodes the same way and gives up on the value. */
function text(b: unknown): string {
  if (b === null || b === undefined) return '';
  if (!Buffer.isBuffer(b)) return String(b);
  try {
    return utf8.decode(b);
  } catch {
    throw new NotText();
  }
}

/** The first `n` bytes of a string cut at a character boundary. */
function cutText(b: Buffer): string {
  for (let end = b.length; end > Math.max(0, b.length - 4); end--) {
    try {
      return utf8.decode(b.subarray(0, end));
    } catch {
      // an incomplete character at the end: try one byte shorter
    }
  }
  throw new NotText();
}

const LENGTH: Record<string, string> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };

interface Pending {
  key: Buffer;
  type: string;
  size: number | null;
  length: number;
}

/** Reads one page of keys; keys gone since SCAN returned them are left out. */
export async function readKeys(db: RedisDb, keys: Buffer[], o: ReadOptions): Promise<KeyRead[]> {
  if (keys.length === 0) return [];
  const withMem = o.memoryUsage.enabled;
  const meta = await db.pipeline(
    'reading key types',
    keys.flatMap((k): Arg[][] => (withMem ? [['TYPE', k], ['MEMORY', 'USAGE', k]] : [['TYPE', k]])),
  );
  const step = withMem ? 2 : 1;
  const pending: Pending[] = [];
  for (const [i, key] of keys.entries()) {
    const [typeErr, type] = meta[i * step];
    if (typeErr) throw db.error(typeErr, 'reading key types');
    const t = text(type);
    if (t === 'none') continue; // deleted or expired since SCAN
    let size: number | null = null;
    if (withMem) {
      const [memErr, mem] = meta[i * step + 1];
      if (memErr) {
        if (/NOPERM|unknown command|ERR unknown/i.test(memErr.message)) o.memoryUsage.enabled = false;
      } else if (mem !== null) size = Number(mem);
    }
    pending.push({ key, type: t, size, length: 0 });
  }
  // A key whose memory use is at most the bound holds a value that is too (Redis stores each
  // byte at least once): read it whole without asking its length first.
  const small = (p: Pending) => p.size !== null && p.size <= Math.min(o.maxValueSize, SMALL_BYTES);
  const measured = pending.filter((p) => LENGTH[p.type] && !small(p));
  const lengths = await db.pipeline('reading value lengths', measured.map((p) => [LENGTH[p.type], p.key]));
  measured.forEach((p, i) => {
    p.length = lengths[i][0] ? 0 : Number(lengths[i][1]);
  });

  const out = new Map<Pending, KeyRead>();
  // Whole values, batched; the rest one by one in chunks.
  const whole: Pending[] = [];
  const chunked: Pending[] = [];
  for (const p of pending) {
    if (p.type === 'string' || p.type === 'ReJSON-RL' || (LENGTH[p.type] && (small(p) || p.length <= CHUNK))) whole.push(p);
    else if (LENGTH[p.type]) chunked.push(p);
    else out.set(p, { key: p.key, type: p.type, size: p.size, value: '', problem: `values of type ${p.type} are not read` });
  }
  let batch: Pending[] = [];
  let batchBytes = 0;
  const flush = async () => {
    const replies = await db.pipeline('reading values', batch.map((p) => wholeCommand(p, o.maxValueSize)));
    batch.forEach((p, i) => out.set(p, renderWhole(p, replies[i], o.maxValueSize)));
    batch = [];
    batchBytes = 0;
  };
  for (const p of whole) {
    const expected = Math.min(o.maxValueSize, p.size ?? (p.type === 'string' ? p.length : p.length * GUESS_ELEMENT_BYTES));
    if (batch.length > 0 && batchBytes + expected > BATCH_BYTES) await flush();
    batch.push(p);
    batchBytes += expected;
  }
  if (batch.length) await flush();
  for (const p of chunked) out.set(p, await readChunked(db, p, o.maxValueSize));
  return pending.map((p) => out.get(p)!);
}

function wholeCommand(p: Pending, max: number): Arg[] {
  switch (p.type) {
    case 'string':
      return p.length > max ? ['GETRANGE', p.key, 0, max - 1] : ['GET', p.key];
    case 'hash':
      return ['HGETALL', p.key];
    case 'list':
      return ['LRANGE', p.key, 0, -1];
    case 'set':
      return ['SMEMBERS', p.key];
    case 'zset':
      return ['ZRANGE', p.key, 0, -1, 'WITHSCORES'];
    case 'stream':
      return ['XRANGE', p.key, '-', '+'];
    default:
      return ['JSON.GET', p.key];
  }
}

/** Elements kept under the byte budget, and whether some were left out. */
class Budget {
  used = 0;
  kept = 0;
  full = false;
  constructor(private readonly max: number) {}
  /** Takes an element of `n` characters if it fits; false once the budget is spent. */
  take(n: number): boolean {
    if (this.full || this.used + n > this.max) {
      this.full = true;
      return false;
    }
    this.used += n;
    this.kept++;
    return true;
  }
}

function flat(reply: unknown): Buffer[] {
  return Array.isArray(reply) ? (reply as Buffer[]) : [];
}

/** Collection contents, rendered, while the rendered text stays under the budget. */
function renderParts(type: string, items: unknown[], budget: Budget): string[] {
  const parts: string[] = [];
  const keep = (part: string) => {
    if (!budget.take(part.length + 2)) return false;
    parts.push(part);
    return true;
  };
  if (type === 'hash' || type === 'zset') {
    for (let i = 0; i + 1 < items.length; i += 2) {
      const k = pyStr(text(items[i]));
      if (!keep(type === 'hash' ? `${k}: ${pyStr(text(items[i + 1]))}` : pyTuple([k, pyScore(text(items[i + 1]))]))) break;
    }
  } else if (type === 'stream') {
    for (const entry of items as [Buffer, Buffer[]][]) {
      const fields = flat(entry?.[1]);
      const pairs: [string, string][] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([pyStr(text(fields[i])), pyStr(text(fields[i + 1]))]);
      if (!keep(pyTuple([pyStr(text(entry[0])), pyDict(pairs)]))) break;
    }
  } else {
    for (const item of items) if (!keep(pyStr(text(item)))) break;
  }
  return parts;
}

function wrapParts(type: string, key: Buffer, parts: string[]): string {
  switch (type) {
    case 'hash':
      return `{${parts.join(', ')}}`;
    case 'set':
      return pySet(parts);
    case 'stream':
      return parts.length === 0 ? '[]' : pyList([pyList([pyStr(text(key)), pyList(parts)])]);
    default:
      return pyList(parts);
  }
}

function truncated(p: Pending, b: Budget, max: number): string {
  return `value truncated: kept the first ${b.kept} of ${p.length} elements (${b.used} characters); the rest is over max_value_size (${max})`;
}

function notText(p: Pending): KeyRead {
  return { key: p.key, type: p.type, size: p.size, value: '', problem: 'value is not UTF-8 text; indexed empty' };
}

function renderWhole(p: Pending, [err, reply]: Reply, max: number): KeyRead {
  const base = { key: p.key, type: p.type, size: p.size };
  if (err) return { ...base, value: '', problem: `value not read: ${err.message}` };
  try {
    if (p.type === 'string') {
      if (p.length > max) {
        return { ...base, value: cutText(reply as Buffer), problem: `value truncated: read the first ${max} of ${p.length} bytes (max_value_size)` };
      }
      return { ...base, value: pyStringValue(text(reply)), problem: null };
    }
    if (p.type === 'ReJSON-RL') {
      const raw = reply as Buffer | null;
      if (raw && raw.length > max) return { ...base, value: '', problem: `JSON value of ${raw.length} bytes skipped: over max_value_size (${max} bytes)` };
      const t = text(raw);
      return { ...base, value: pyFromJson(t) ?? t, problem: null };
    }
    const budget = new Budget(max);
    const parts = renderParts(p.type, flat(reply), budget);
    return { ...base, value: wrapParts(p.type, p.key, parts), problem: budget.full ? truncated(p, budget, max) : null };
  } catch (e) {
    if (e instanceof NotText) return notText(p);
    throw e;
  }
}

/** A large collection, CHUNK elements per request, until done or over the budget. */
async function readChunked(db: RedisDb, p: Pending, max: number): Promise<KeyRead> {
  const budget = new Budget(max);
  const parts: string[] = [];
  const seen = p.type === 'hash' || p.type === 'set' ? new Set<string>() : null; // *SCAN may repeat
  try {
    if (p.type === 'hash' || p.type === 'set') {
      let cursor: string = '0';
      do {
        const r = (await db.call('reading a value', p.type === 'hash' ? 'HSCAN' : 'SSCAN', p.key, cursor, 'COUNT', CHUNK)) as [Buffer, Buffer[]];
        cursor = text(r[0]);
        const items = flat(r[1]);
        const step = p.type === 'hash' ? 2 : 1;
        const fresh: unknown[] = [];
        for (let i = 0; i + step - 1 < items.length; i += step) {
          const id = items[i].toString('base64');
          if (seen!.has(id)) continue;
          seen!.add(id);
          fresh.push(...items.slice(i, i + step));
        }
        parts.push(...renderParts(p.type, fresh, budget));
      } while (cursor !== '0' && !budget.full);
    } else if (p.type === 'stream') {
      let start = '-';
      for (;;) {
        const r = flat(await db.call('reading a value', 'XRANGE', p.key, start, '+', 'COUNT', CHUNK)) as unknown as [Buffer, Buffer[]][];
        parts.push(...renderParts(p.type, r, budget));
        if (r.length < CHUNK || budget.full) break;
        start = `(${text(r[r.length - 1][0])}`;
      }
    } else {
      for (let from = 0; from < p.length && !budget.full; from += CHUNK) {
        const cmd: Arg[] = p.type === 'zset' ? ['ZRANGE', p.key, from, from + CHUNK - 1, 'WITHSCORES'] : ['LRANGE', p.key, from, from + CHUNK - 1];
        const r = flat(await db.call('reading a value', ...cmd));
        if (r.length === 0) break;
        parts.push(...renderParts(p.type, r, budget));
      }
    }
  } catch (e) {
    if (e instanceof NotText) return notText(p);
    throw e;
  }
  return { key: p.key, type: p.type, size: p.size, value: wrapParts(p.type, p.key, parts), problem: budget.full ? truncated(p, budget, max) : null };
}
