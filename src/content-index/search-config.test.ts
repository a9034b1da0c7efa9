/** The `content.search` section of the config file (docs/embedded-index.md "Search limits"). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSearchLimits } from './search-config.js';

describe('content.search config', () => {
  it('reads threads, queue, budgets and query limits', () => {
    assert.deepEqual(parseSearchLimits({ threads: 3, max_queue: 10, timeout: '5s', hard_timeout: 20, max_clause_count: 100, max_nested_depth: 10 }, 'f.yml'), {
      threads: 3, maxQueue: 10, timeoutMs: 5000, hardTimeoutMs: 20_000, maxClauseCount: 100, maxNestedDepth: 10,
    });
    assert.deepEqual(parseSearchLimits(undefined), {});
  });

  it('refuses unknown keys, out-of-range numbers and a timeout above the hard limit, naming the key', () => {
    assert.throws(() => parseSearchLimits({ thread: 2 }, 'f.yml'), /f\.yml: content\.search\.thread: unknown key/);
    assert.throws(() => parseSearchLimits({ threads: -1 }, 'f.yml'), /content\.search\.threads: expected a whole number from 0 to 64/);
    assert.throws(() => parseSearchLimits({ max_clause_count: 1e9 }, 'f.yml'), /max_clause_count/);
    assert.throws(() => parseSearchLimits({ timeout: 'soon' }, 'f.yml'), /content\.search\.timeout/);
    assert.throws(() => parseSearchLimits({ timeout: '1m', hard_timeout: '10s' }, 'f.yml'), /must not exceed/);
  });
});
