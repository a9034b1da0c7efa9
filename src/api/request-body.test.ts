import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../domain/errors.js';
import type { EndpointRequest } from './endpoint.js';
import { checkBody } from './request-body.js';

const req = (body: unknown): EndpointRequest => ({ params: {}, query: {}, body, path: '/_connector/c1/_check_in', access: null });
const fails = (fn: () => void, type: string, reason: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.status === 400 && e.type === type && e.reason === reason);

test('a required body must be there; one that is not taken must not be', () => {
  fails(() => checkBody({ method: 'PUT', body: 'required' }, req(undefined)), 'parse_exception', 'request body is required');
  checkBody({ method: 'PUT', body: 'required' }, req({}));
  fails(() => checkBody({ method: 'PUT', body: 'none' }, req({})), 'illegal_argument_exception',
    'request [PUT /_connector/c1/_check_in] does not support having a body');
  checkBody({ method: 'PUT', body: 'none' }, req(undefined));
  for (const body of [undefined, {}]) {
    checkBody({ method: 'POST', body: 'optional' }, req(body));
    checkBody({ method: 'POST' }, req(body));
  }
});
