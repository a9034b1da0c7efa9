/**
 * Elasticsearch's `filter_path` (issue 11 item 5): comma-separated dotted paths whose segments
 * are field names with `*` wildcards, `**` for any number of levels (none included), and `-path`
 * for exclusions. A path that reaches an object keeps all of it.
 *
 * Paths are matched as one automaton, never by backtracking: the state is the set of
 * (path, segment) positions still alive, a key moves every position at once (`**` stays and
 * may also be skipped), and each segment is a linear wildcard matcher (domain/shared/wildcard).
 * Transitions are memoised per distinct (state set, key), so the repeated keys of a response
 * cost a map lookup. The work is bounded three ways: the number of paths, the segments of a
 * path and a path's length (400 before the request runs), and the matching work per response
 * (400 when a response would exceed it). Elasticsearch accepts any filter_path; the bounds
 * are far above what clients send (docs/api.md).
 */
import { errors } from '../domain/errors.js';
import { WildcardCache, type WildcardMatcher } from '../domain/shared/wildcard.js';

export const FILTER_PATH_LIMITS = {
  /** Paths (comma-separated entries, includes and excludes together) in one request. */
  maxPaths: 128,
  /** Dot-separated segments of one path. */
  maxSegments: 32,
  /** Characters of one path. */
  maxLength: 1024,
  /** Matching work per response: Σ over new (state set, key) pairs of live positions × (key length + 1). */
  maxWork: 50_000_000,
};

/** Distinct state sets and memoised transitions kept per request; past them, steps are recomputed (and counted). */
const MAX_STATES = 4096;
const MAX_EDGES = 65_536;

/** Segment matchers, shared by requests (clients repeat their filter_path); least recently used dropped first. */
const segmentMatchers = new WildcardCache({}, 4096);

type Segment = { any: true } | { any: false; match: WildcardMatcher };

interface DState {
  /** Live positions (indices into the automaton's position table), sorted. */
  positions: number[];
  accept: boolean;
  next: Map<string, DState>;
}

class Automaton {
  /** Per position: its segment, or null for the end of a path (accepting). */
  private readonly segs: (Segment | null)[] = [];
  private readonly states = new Map<string, DState>();
  private edges = 0;
  private readonly seen: Uint8Array;
  readonly start: DState;
  readonly dead: DState = { positions: [], accept: false, next: new Map() };
  work = 0;

  constructor(paths: string[][]) {
    const starts: number[] = [];
    for (const p of paths) {
      starts.push(this.segs.length);
      for (const s of p) this.segs.push(s === '**' ? { any: true } : { any: false, match: segmentMatchers.get(s) });
      this.segs.push(null);
    }
    this.seen = new Uint8Array(this.segs.length);
    this.start = this.intern(this.closure(starts));
  }

  /** Adds the positions reachable by skipping `**` segments (they may match no level). */
  private closure(positions: number[]): number[] {
    const out: number[] = [];
    for (let p of positions) {
      for (;;) {
        if (this.seen[p]) break;
        this.seen[p] = 1;
        out.push(p);
        const s = this.segs[p];
        if (!s || !s.any) break;
        p++;
      }
    }
    for (const p of out) this.seen[p] = 0;
    return out.sort((a, b) => a - b);
  }

  private intern(positions: number[]): DState {
    if (positions.length === 0) return this.dead;
    const id = positions.join(',');
    const known = this.states.get(id);
    if (known) return known;
    const d: DState = { positions, accept: positions.some((p) => this.segs[p] === null), next: new Map() };
    if (this.states.size < MAX_STATES) this.states.set(id, d);
    return d;
  }

  step(d: DState, key: string): DState {
    const memo = d.next.get(key);
    if (memo) return memo;
    this.work += d.positions.length * (key.length + 1);
    if (this.work > FILTER_PATH_LIMITS.maxWork) {
      throw errors.illegalArgument(
        `filter_path is too costly for this response: matching it would take more than [${FILTER_PATH_LIMITS.maxWork}] steps; use fewer or simpler paths`,
      );
    }
    const moved: number[] = [];
    for (const p of d.positions) {
      const s = this.segs[p];
      if (!s) continue;
      if (s.any) moved.push(p);
      else if (s.match(key)) moved.push(p + 1);
    }
    const next = this.intern(this.closure(moved));
    if (this.edges < MAX_EDGES) {
      d.next.set(key, next);
      this.edges++;
    }
    return next;
  }
}

export interface FilterPath {
  apply(value: unknown): unknown;
}

function parsePath(raw: string): string[] {
  if (raw.length > FILTER_PATH_LIMITS.maxLength) {
    throw errors.illegalArgument(`filter_path [${raw.slice(0, 64)}…] is longer than [${FILTER_PATH_LIMITS.maxLength}] characters`);
  }
  const segs = raw.split('.');
  if (segs.length > FILTER_PATH_LIMITS.maxSegments) {
    throw errors.illegalArgument(`filter_path [${raw.slice(0, 64)}${raw.length > 64 ? '…' : ''}] has [${segs.length}] segments; at most [${FILTER_PATH_LIMITS.maxSegments}] are allowed`);
  }
  // `a.**.**.b` means `a.**.b`: consecutive `**` add nothing but positions.
  return segs.filter((s, i) => !(s === '**' && segs[i - 1] === '**'));
}

/** Validates and compiles `filter_path` (400 above the bounds); `apply` may 400 on a too costly response. */
export function compileFilterPath(paths: string[]): FilterPath {
  if (paths.length > FILTER_PATH_LIMITS.maxPaths) {
    throw errors.illegalArgument(`filter_path has [${paths.length}] paths; at most [${FILTER_PATH_LIMITS.maxPaths}] are allowed`);
  }
  const includes = paths.filter((p) => !p.startsWith('-')).map(parsePath);
  const excludes = paths.filter((p) => p.startsWith('-')).map((p) => parsePath(p.slice(1)));
  return {
    apply(value) {
      let out = value;
      if (includes.length) {
        const a = new Automaton(includes);
        out = include(value, a.start, a);
      }
      if (excludes.length) {
        const a = new Automaton(excludes);
        out = exclude(out, a.start, a);
      }
      return out ?? {};
    },
  };
}

/** Elasticsearch `filter_path`: dotted include paths with `*` and `**`; `-path` excludes. */
export function filterPath(value: unknown, paths: string[]): unknown {
  return compileFilterPath(paths).apply(value);
}

/**
 * Any non-null object, arrays included (unlike domain/shared/json.ts `isPlainObject`): the
 * callers branch on arrays first, so here it only keeps null and scalars out.
 */
function isObjectOrArray(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `out[k] = v`, where a `__proto__` key stays a plain key (JSON.parse makes such keys). */
function set(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

function include(value: unknown, d: DState, a: Automaton): unknown {
  if (d.accept) return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => include(v, d, a)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (!isObjectOrArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  let kept = false;
  for (const k of Object.keys(value)) {
    const next = a.step(d, k);
    if (next === a.dead) continue;
    const sub = include(value[k], next, a);
    if (sub !== undefined) {
      set(out, k, sub);
      kept = true;
    }
  }
  return kept ? out : undefined;
}

function exclude(value: unknown, d: DState, a: Automaton): unknown {
  if (Array.isArray(value)) return value.map((v) => exclude(v, d, a));
  if (!isObjectOrArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const next = a.step(d, k);
    if (next === a.dead) set(out, k, value[k]);
    else if (!next.accept) set(out, k, exclude(value[k], next, a));
  }
  return out;
}
