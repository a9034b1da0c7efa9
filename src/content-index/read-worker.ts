/**
 * The search thread's entry point (a piscina worker, read-pool.ts): runs reads of the content
 * index — `_search`, `_count`, `_delete_by_query`'s selection — on a `ContentReader` of its own,
 * off the main thread's event loop.
 *
 * Catalogue errors come back as values (structured cloning keeps only an Error's message).
 * Before the pool is destroyed it broadcasts `close`: every thread closes its connection, which
 * finalises every statement, so that no statement outlives the thread's environment.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { workerData } from 'piscina';
import { ApiError, type ErrorKind } from '../domain/errors.js';
import Database from '../store/sqlite/driver.js';
import type { QueryLimits } from './query-context.js';
import { ContentReader, type ReadBudget } from './reader.js';
import type { SearchParams } from './search-request.js';
import type { ScrollCursor } from './search.js';

export type ReadTask = {
  path: string;
  limits: QueryLimits;
  budget: ReadBudget;
  /** `Date.now()` when the request was queued: the budget counts from there. */
  queuedAt: number;
  name: string;
} & (
  | { op: 'search' | 'count'; body: unknown; params: SearchParams }
  | { op: 'scroll'; body: unknown; params: SearchParams; cursor: ScrollCursor }
  | { op: 'rowids'; indexId: number; query: unknown; after: number; limit: number }
);

export type ReadResult =
  | { ok: unknown }
  | { error: { kind: ErrorKind; reason: string; causedBy?: ApiError['causedBy']; extra?: Record<string, unknown> } };

// better-sqlite3 loads its native addon on the first `new Database()`. Done here, while the
// thread starts, the load never runs inside a task: a task over its hard time limit has its
// thread terminated, and a termination that lands inside the addon's registration aborts the
// whole process (Node 24: FATAL ERROR Error::New napi_get_last_error_info, seen once in CI).
new Database(':memory:').close();

const readers = new Map<string, ContentReader>();

// The pool's broadcast channel (named in workerData): `close` closes every connection here.
const channelName = (workerData as { channel?: string } | undefined)?.channel;
if (channelName) {
  const ch = new BroadcastChannel(channelName);
  ch.onmessage = (ev) => {
    if ((ev as { data: unknown }).data !== 'close') return;
    closeAll();
    ch.postMessage('closed');
    ch.close();
  };
  ch.unref();
}

function readerFor(task: ReadTask): ContentReader {
  let r = readers.get(task.path);
  if (!r) {
    r = new ContentReader(task.path, task.limits);
    readers.set(task.path, r);
  }
  return r;
}

function closeAll(): void {
  for (const r of readers.values()) r.close();
  readers.clear();
}

export default function run(task: ReadTask): ReadResult {
  const budget = { ...task.budget, spentMs: Math.max(0, Date.now() - task.queuedAt) };
  try {
    const r = readerFor(task);
    switch (task.op) {
      case 'search':
        return { ok: r.search(task.name, task.body, task.params, budget) };
      case 'scroll':
        return { ok: r.scroll(task.name, task.body, task.params, task.cursor, budget) };
      case 'count':
        return { ok: r.count(task.name, task.body, task.params, budget) };
      case 'rowids':
        return { ok: r.rowids(task.name, task.indexId, task.query, task.after, task.limit, budget) };
    }
  } catch (e) {
    if (e instanceof ApiError) return { error: { kind: e.kind, reason: e.reason, causedBy: e.causedBy, extra: e.extra } };
    throw e;
  }
}
