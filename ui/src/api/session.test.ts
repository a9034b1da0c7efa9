/** The UI's session (session.ts): credentials as headers, expiry, and where sign-in may return to. */
import '../../test/dom';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuthorization, currentSession, endSession, safeNext, saveSession, SESSION_MS, touchSession } from './session';

test('Basic credentials are UTF-8 in base64', () => {
  assert.equal(basicAuthorization('root', 'root-password'), `Basic ${Buffer.from('root:root-password').toString('base64')}`);
  assert.equal(basicAuthorization('zoë', 'pässword'), `Basic ${Buffer.from('zoë:pässword', 'utf8').toString('base64')}`);
});

test('a session expires after SESSION_MS without use; use extends it; sign-out ends it', () => {
  saveSession('Basic abc', 'root', 1000);
  assert.equal(currentSession(1000 + SESSION_MS - 1)?.user, 'root');
  touchSession(1000 + SESSION_MS - 1);
  assert.equal(currentSession(1000 + SESSION_MS + 10)?.user, 'root');
  assert.equal(currentSession(1000 + 2 * SESSION_MS), null);
  saveSession('Basic abc', 'root');
  endSession();
  assert.equal(currentSession(), null);
});

test('sign-in returns only to a path of the app', () => {
  assert.equal(safeNext('/connectors/c1/jobs?x=1'), '/connectors/c1/jobs?x=1');
  for (const bad of [null, '', 'https://evil.example/', '//evil.example/', '/\\\\evil.example', '/login?next=/x']) assert.equal(safeNext(bad), '/connectors', String(bad));
});
