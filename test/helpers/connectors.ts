/**
 * Connector helpers for API tests, all through the public HTTP API:
 *
 *   await createConnector(srv, 'c1', { index_name: 'search-c1' });   // asserts 200/201
 *   const doc = await getConnector(srv, 'c1');                       // parsed GET body
 *   const res = await update(srv, 'c1', '_name', { name: 'x' });    // PUT /_connector/c1/_name
 *   await expectUnchanged(srv, 'c1', () => update(srv, 'c1', '_name', 5), 400);
 *
 * `expectUnchanged` runs a request that must be rejected with the given status and checks
 * that the stored connector (GET with include_deleted) is byte-for-byte the same afterwards.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from './server.js';

export type Connector = Record<string, any> & { id: string };

const enc = encodeURIComponent;

export async function createConnector(srv: TestServer, id: string, body: Record<string, unknown> = {}): Promise<void> {
  const res = await srv.inject({ method: 'PUT', url: `/_connector/${enc(id)}`, body });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, `create ${id}: ${res.statusCode} ${res.body}`);
}

export async function getConnector(srv: TestServer, id: string, includeDeleted = false): Promise<Connector> {
  const res = await srv.inject({ method: 'GET', url: `/_connector/${enc(id)}${includeDeleted ? '?include_deleted' : ''}` });
  assert.equal(res.statusCode, 200, `get ${id}: ${res.body}`);
  return res.json();
}

/** `PUT /_connector/{id}/{action}`; `body` undefined sends no body; a string is sent raw. */
export function update(srv: TestServer, id: string, action: string, body?: unknown): Promise<LightMyRequestResponse> {
  return srv.inject({ method: 'PUT', url: `/_connector/${enc(id)}/${action}`, body });
}

/** Runs `send`, asserts it answered `status` (a 4xx), and that the stored connector did not change. */
export async function expectUnchanged(
  srv: TestServer,
  id: string,
  send: () => Promise<LightMyRequestResponse>,
  status?: number,
): Promise<LightMyRequestResponse> {
  const before = await srv.inject({ method: 'GET', url: `/_connector/${enc(id)}?include_deleted` });
  const res = await send();
  if (status !== undefined) assert.equal(res.statusCode, status, res.body);
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `expected a 4xx, got ${res.statusCode} ${res.body}`);
  const after = await srv.inject({ method: 'GET', url: `/_connector/${enc(id)}?include_deleted` });
  assert.equal(after.statusCode, before.statusCode);
  assert.equal(after.body, before.body, 'stored connector changed after a rejected request');
  return res;
}
