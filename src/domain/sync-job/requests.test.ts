/**
 * Sync job request parsers (connector-api.md §7.3, §7.9–§7.11; §1.4 body rules): strict top
 * level, ConstructingObjectParser `Required [...]`, null rejected by typed fields, enums
 * case-insensitive, validation messages numbered as Elasticsearch prints them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { parseClaim, parseError, parsePost, parseStats } from './requests.js';

/** Asserts `fn` throws an ApiError with status 400, the type and (exact or matching) reason. */
function rejects(fn: () => unknown, type: string, reason?: string | RegExp, cause?: string | RegExp): ApiError {
  let err: ApiError | undefined;
  try {
    fn();
  } catch (e) {
    err = e as ApiError;
  }
  assert.ok(err instanceof ApiError, 'expected an ApiError');
  assert.equal(err.status, 400, err.reason);
  assert.equal(err.type, type, err.reason);
  if (typeof reason === 'string') assert.equal(err.reason, reason);
  else if (reason) assert.match(err.reason, reason);
  if (typeof cause === 'string') assert.equal(err.causedBy?.reason, cause);
  else if (cause) assert.match(err.causedBy?.reason ?? '', cause);
  return err;
}

const validation = (...msgs: string[]) => 'Validation Failed: ' + msgs.map((m, i) => `${i + 1}: ${m};`).join('');

describe('parsePost (POST _connector/_sync_job)', () => {
  it('defaults job_type to full and trigger_method to on_demand', () => {
    assert.deepEqual(parsePost({ id: 'c1' }), { id: 'c1', jobType: 'full', triggerMethod: 'on_demand' });
  });
  it('accepts every job type and trigger method', () => {
    for (const jobType of ['full', 'incremental', 'access_control'] as const) {
      for (const triggerMethod of ['on_demand', 'scheduled'] as const) {
        assert.deepEqual(parsePost({ id: 'c1', job_type: jobType, trigger_method: triggerMethod }), { id: 'c1', jobType, triggerMethod });
      }
    }
  });
  it('reads enums case-insensitively and stores them lowercase', () => {
    assert.deepEqual(parsePost({ id: 'c1', job_type: 'ACCESS_CONTROL', trigger_method: 'Scheduled' }), {
      id: 'c1', jobType: 'access_control', triggerMethod: 'scheduled',
    });
    assert.equal(parsePost({ id: 'c1', job_type: 'Incremental' }).jobType, 'incremental');
  });
  it('rejects unknown enum values with the enum message as the cause', () => {
    rejects(() => parsePost({ id: 'c1', job_type: 'invalid_job_type' }), 'x_content_parse_exception', /job_type/, 'Unknown ConnectorSyncJobType [invalid_job_type].');
    rejects(() => parsePost({ id: 'c1', trigger_method: 'full' }), 'x_content_parse_exception', /trigger_method/, 'Unknown ConnectorSyncJobTriggerMethod [full].');
    rejects(() => parsePost({ id: 'c1', job_type: 'on_demand' }), 'x_content_parse_exception', /job_type/, 'Unknown ConnectorSyncJobType [on_demand].');
  });
  it('requires id; empty id fails validation', () => {
    rejects(() => parsePost({}), 'illegal_argument_exception', 'Required [id]');
    rejects(() => parsePost({ job_type: 'full' }), 'illegal_argument_exception', 'Required [id]');
    rejects(() => parsePost({ id: '' }), 'action_request_validation_exception', validation('[id] of the connector cannot be null or empty'));
  });
  it('rejects null and non-string values of string fields (declareString)', () => {
    rejects(() => parsePost({ id: null }), 'x_content_parse_exception', /\bid\b.*VALUE_NULL/);
    rejects(() => parsePost({ id: 5 }), 'x_content_parse_exception', /\bid\b.*VALUE_NUMBER/);
    rejects(() => parsePost({ id: 'c1', job_type: null }), 'x_content_parse_exception', /job_type.*VALUE_NULL/);
    rejects(() => parsePost({ id: 'c1', trigger_method: null }), 'x_content_parse_exception', /trigger_method.*VALUE_NULL/);
    rejects(() => parsePost({ id: 'c1', job_type: 1 }), 'x_content_parse_exception', /job_type.*VALUE_NUMBER/);
    rejects(() => parsePost({ id: 'c1', job_type: ['full'] }), 'x_content_parse_exception', /job_type.*START_ARRAY/);
  });
  it('is strict about unknown top-level fields', () => {
    rejects(() => parsePost({ id: 'c1', connector_id: 'c1' }), 'x_content_parse_exception', '[connector_sync_job_post_request] unknown field [connector_id]');
    rejects(() => parsePost({ id: 'c1', constructor: 1 }), 'x_content_parse_exception', /unknown field \[constructor\]/);
  });
  it('wants an object body', () => {
    rejects(() => parsePost([]), 'x_content_parse_exception', /START_OBJECT/);
    rejects(() => parsePost('c1'), 'x_content_parse_exception', /START_OBJECT/);
  });
});

describe('parseError (PUT …/_error)', () => {
  it('returns the message', () => {
    assert.equal(parseError({ error: 'disk full' }), 'disk full');
    assert.equal(parseError({ error: ' ' }), ' ', 'only null or empty are rejected');
  });
  it('requires error; empty fails validation; null is a type error', () => {
    rejects(() => parseError({}), 'illegal_argument_exception', 'Required [error]');
    rejects(() => parseError({ error: '' }), 'action_request_validation_exception', validation('[error] of the connector sync job cannot be null or empty'));
    rejects(() => parseError({ error: null }), 'x_content_parse_exception', /error.*VALUE_NULL/);
    rejects(() => parseError({ error: { message: 'x' } }), 'x_content_parse_exception', /START_OBJECT/);
    rejects(() => parseError({ error: 42 }), 'x_content_parse_exception', /VALUE_NUMBER/);
  });
  it('is strict', () => {
    rejects(() => parseError({ error: 'x', status: 'error' }), 'x_content_parse_exception', '[connector_sync_job_error_request] unknown field [status]');
  });
});

describe('parseClaim (PUT …/_claim)', () => {
  it('reads worker_hostname and an optional sync_cursor object', () => {
    assert.deepEqual(parseClaim({ worker_hostname: 'w1' }), { workerHostname: 'w1', syncCursor: undefined });
    assert.deepEqual(parseClaim({ worker_hostname: 'w1', sync_cursor: { page: 2, nested: { a: [1] } } }), {
      workerHostname: 'w1', syncCursor: { page: 2, nested: { a: [1] } },
    });
    assert.deepEqual(parseClaim({ worker_hostname: 'w1', sync_cursor: {} }).syncCursor, {});
  });
  it('requires worker_hostname; null is a type error', () => {
    rejects(() => parseClaim({}), 'illegal_argument_exception', 'Required [worker_hostname]');
    rejects(() => parseClaim({ sync_cursor: {} }), 'illegal_argument_exception', 'Required [worker_hostname]');
    rejects(() => parseClaim({ worker_hostname: null }), 'x_content_parse_exception', /worker_hostname.*VALUE_NULL/);
    rejects(() => parseClaim({ worker_hostname: 7 }), 'x_content_parse_exception', /worker_hostname.*VALUE_NUMBER/);
  });
  it('accepts an empty worker_hostname (Elasticsearch only checks for null)', () => {
    assert.equal(parseClaim({ worker_hostname: '' }).workerHostname, '');
  });
  it('rejects a sync_cursor that is not an object', () => {
    rejects(() => parseClaim({ worker_hostname: 'w', sync_cursor: 'x' }), 'x_content_parse_exception', /sync_cursor/);
    rejects(() => parseClaim({ worker_hostname: 'w', sync_cursor: [1] }), 'x_content_parse_exception', /sync_cursor/);
    rejects(() => parseClaim({ worker_hostname: 'w', sync_cursor: 3 }), 'x_content_parse_exception', /sync_cursor/);
    rejects(() => parseClaim({ worker_hostname: 'w', sync_cursor: null }), 'x_content_parse_exception', /sync_cursor.*VALUE_NULL/);
  });
  it('is strict', () => {
    rejects(() => parseClaim({ worker_hostname: 'w', status: 'in_progress' }), 'x_content_parse_exception', '[claim_connector_sync_job] unknown field [status]');
  });
});

describe('parseStats (PUT …/_stats)', () => {
  const base = { deleted_document_count: 1, indexed_document_count: 2, indexed_document_volume: 3 };

  it('reads the three required counts and nothing else when only they are given', () => {
    assert.deepEqual(parseStats(base), base);
  });
  it('reads the optional fields', () => {
    assert.deepEqual(parseStats({ ...base, total_document_count: 10, last_seen: '2024-05-06T07:08:09.123Z', metadata: { a: { b: 1 } } }), {
      ...base, total_document_count: 10, last_seen: '2024-05-06T07:08:09.123Z', metadata: { a: { b: 1 } },
    });
  });
  it('accepts zero everywhere', () => {
    const zeros = { deleted_document_count: 0, indexed_document_count: 0, indexed_document_volume: 0, total_document_count: 0 };
    assert.deepEqual(parseStats(zeros), zeros);
  });
  it('coerces longs given as strings or decimals, as declareLong does', () => {
    const r = parseStats({ deleted_document_count: '7', indexed_document_count: 1.9, indexed_document_volume: 0 });
    assert.equal(r.deleted_document_count, 7);
    assert.equal(r.indexed_document_count, 1);
  });
  it('rejects non-numeric counts', () => {
    rejects(() => parseStats({ ...base, deleted_document_count: 'many' }), 'x_content_parse_exception', /deleted_document_count/);
    rejects(() => parseStats({ ...base, indexed_document_volume: true }), 'x_content_parse_exception', /indexed_document_volume/);
    rejects(() => parseStats({ ...base, total_document_count: {} }), 'x_content_parse_exception', /total_document_count/);
  });
  it('names every missing required count at once', () => {
    rejects(() => parseStats({}), 'illegal_argument_exception', 'Required [deleted_document_count, indexed_document_count, indexed_document_volume]');
    rejects(() => parseStats({ deleted_document_count: 1 }), 'illegal_argument_exception', 'Required [indexed_document_count, indexed_document_volume]');
    rejects(() => parseStats({ deleted_document_count: 1, indexed_document_count: 1 }), 'illegal_argument_exception', 'Required [indexed_document_volume]');
  });
  it('rejects each negative count with its own message', () => {
    for (const k of ['deleted_document_count', 'indexed_document_count', 'indexed_document_volume', 'total_document_count']) {
      rejects(() => parseStats({ ...base, [k]: -1 }), 'action_request_validation_exception', validation(`[${k}] cannot be negative.`));
    }
  });
  it('lists every negative count, numbered, in Elasticsearch order', () => {
    rejects(
      () => parseStats({ total_document_count: -4, indexed_document_volume: -3, indexed_document_count: -2, deleted_document_count: -1 }),
      'action_request_validation_exception',
      validation(
        '[deleted_document_count] cannot be negative.',
        '[indexed_document_count] cannot be negative.',
        '[indexed_document_volume] cannot be negative.',
        '[total_document_count] cannot be negative.',
      ),
    );
  });
  it('normalises last_seen: ISO with offset, epoch millis string', () => {
    assert.equal(parseStats({ ...base, last_seen: '2024-01-01T00:00:00+02:00' }).last_seen, '2023-12-31T22:00:00.000Z');
    assert.equal(parseStats({ ...base, last_seen: '1700000000000' }).last_seen, '2023-11-14T22:13:20.000Z');
  });
  it('rejects a JSON number or garbage as last_seen', () => {
    rejects(() => parseStats({ ...base, last_seen: 1700000000000 }), 'x_content_parse_exception', /last_seen/);
    rejects(() => parseStats({ ...base, last_seen: 'yesterday' }), 'x_content_parse_exception', /last_seen/);
  });
  it('wants metadata to be an object', () => {
    rejects(() => parseStats({ ...base, metadata: 'x' }), 'x_content_parse_exception', /metadata/);
    rejects(() => parseStats({ ...base, metadata: 5 }), 'x_content_parse_exception', /metadata/);
    rejects(() => parseStats({ ...base, metadata: [] }), 'x_content_parse_exception', /metadata/);
  });
  it('rejects null for the typed optional fields', () => {
    for (const k of ['total_document_count', 'last_seen', 'metadata']) {
      rejects(() => parseStats({ ...base, [k]: null }), 'x_content_parse_exception', new RegExp(`${k}.*VALUE_NULL`));
    }
  });
  it('is strict (status cannot be smuggled in)', () => {
    rejects(() => parseStats({ ...base, status: 'completed' }), 'x_content_parse_exception', '[connector_sync_job_update_ingestion_stats] unknown field [status]');
  });
});
