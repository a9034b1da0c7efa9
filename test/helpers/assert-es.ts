/**
 * Assertions for Elasticsearch-shaped responses.
 *
 *   assertError(res, 404, 'resource_not_found_exception', 'connector [x] not found');
 *   const body = ok(res);            // asserts 2xx + product header, returns parsed JSON
 *   throwsApi(() => parseX(body), 'x_content_parse_exception', /unknown field/); // domain errors
 *
 * `reason` may be a string (exact) or a RegExp.
 */
import assert from 'node:assert/strict';
import { ApiError } from '../../src/domain/errors.js';

/** What the assertions need of a response: `server.inject`'s result, or anything shaped like it. */
export interface EsResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): any;
}

export interface EsErrorBody {
  error: { root_cause: { type: string; reason: string }[]; type: string; reason: string; caused_by?: { type: string; reason: string } };
  status: number;
}

/** Checks the Elasticsearch error envelope, status, type and (optionally) reason; returns the body. */
export function assertError(res: EsResponse, status: number, type: string, reason?: string | RegExp): EsErrorBody {
  const where = `${res.statusCode} ${res.body}`;
  assert.equal(res.statusCode, status, where);
  assert.equal(res.headers['x-elastic-product'], 'Elasticsearch', 'product header on errors');
  const body = res.json() as EsErrorBody;
  assert.equal(body.status, status, where);
  assert.equal(body.error.type, type, where);
  assert.ok(Array.isArray(body.error.root_cause) && body.error.root_cause.length > 0, 'root_cause');
  assert.equal(body.error.root_cause[0].type, type, where);
  if (typeof reason === 'string') assert.equal(body.error.reason, reason, where);
  else if (reason) assert.match(body.error.reason, reason, where);
  return body;
}

/** Asserts a 2xx (or the given status) with the product header and returns the JSON body. */
export function ok<T = any>(res: EsResponse, status = 200): T {
  assert.equal(res.statusCode, status, `${res.statusCode} ${res.body}`);
  assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
  return res.json() as T;
}

/**
 * Runs `fn` and asserts it throws the catalogue error with this `type` (and reason, if given);
 * returns the error for further checks. For unit tests of the pure domain.
 */
export function throwsApi(fn: () => unknown, type: string, reason?: string | RegExp): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected an ApiError of type ${type}, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.type, type, caught.reason);
  if (typeof reason === 'string') assert.equal(caught.reason, reason);
  else if (reason) assert.match(caught.reason, reason);
  return caught;
}
