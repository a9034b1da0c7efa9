/**
 * Test helpers for the embedded index: a ContentIndex on a fresh SQLite file under the OS temp
 * directory, and an assertion for catalogue errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../domain/errors.js';
import { ContentIndex, type ContentIndexOptions } from './content-index.js';

export interface TempIndex {
  ci: ContentIndex;
  path: string;
  reopen(): ContentIndex;
  cleanup(): void;
}

export function tempIndex(opts?: ContentIndexOptions): TempIndex {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-ci-'));
  const path = join(dir, 'content.db');
  const t: TempIndex = {
    ci: new ContentIndex(path, opts),
    path,
    reopen() {
      t.ci.close();
      t.ci = new ContentIndex(path, opts);
      return t.ci;
    },
    cleanup() {
      t.ci.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Asserts `fn` throws an ApiError with this type and a 4xx status; returns it. */
export function throws4xx(fn: () => unknown, type: string, reason?: string | RegExp): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected ApiError ${type}, got ${caught === undefined ? 'nothing' : String((caught as Error).stack ?? caught)}`);
  assert.equal(caught.type, type, caught.reason);
  assert.ok(caught.status >= 400 && caught.status < 500, `status ${caught.status}`);
  if (typeof reason === 'string') assert.equal(caught.reason, reason);
  else if (reason) assert.match(caught.reason, reason);
  return caught;
}

export async function rejects4xx(p: Promise<unknown>, type: string): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.type, type, e.reason);
    assert.ok(e.status >= 400 && e.status < 500);
    return e;
  }
  assert.fail(`expected ApiError ${type}`);
}

/** Ids of the hits of a search response, in order. */
export function ids(res: { hits: Record<string, unknown> }): string[] {
  return (res.hits.hits as { _id: string }[]).map((h) => h._id);
}
