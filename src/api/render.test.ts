import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from '../domain/errors.js';
import { errorBody, errorHeaders } from './render.js';

const challenges = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];

test('a 401 carries the WWW-Authenticate challenges in the header and, after any metadata, in the body', () => {
  const e = errors.authenticationFailed('nope', { additional_unsuccessful_credentials: 'API key: expired' });
  assert.deepEqual(errorHeaders(e), { 'www-authenticate': 'Basic realm="security", charset="UTF-8", ApiKey' });
  const cause = { type: 'security_exception', reason: 'nope', additional_unsuccessful_credentials: 'API key: expired', header: { 'WWW-Authenticate': challenges } };
  // Compared as text: the key order is part of the wire.
  assert.equal(JSON.stringify(errorBody(e)), JSON.stringify({ error: { root_cause: [cause], ...cause }, status: 401 }));
});

test('a failed-login lock-out says when to retry; a 403 and other errors carry no extra header', () => {
  const e = errors.tooManyFailedLogins('too many', 42);
  assert.deepEqual(errorHeaders(e), { 'retry-after': '42' });
  assert.equal(JSON.stringify(errorBody(e)), '{"error":{"root_cause":[{"type":"security_exception","reason":"too many"}],"type":"security_exception","reason":"too many"},"status":429}');
  assert.equal(errorHeaders(errors.forbidden('no')), undefined);
  assert.equal(errorHeaders(errors.rejectedExecution('full')), undefined);
  assert.equal(JSON.stringify(errorBody(errors.forbidden('no'))), '{"error":{"root_cause":[{"type":"security_exception","reason":"no"}],"type":"security_exception","reason":"no"},"status":403}');
});
