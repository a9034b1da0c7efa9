/**
 * Fuzz-ish bad input against every connector endpoint: wrong JSON types per field, odd
 * top-level values, unknown keys, huge strings, deep nesting, nulls everywhere, raw garbage.
 * Invariants: never a 5xx; every 4xx carries the Elasticsearch envelope and the product
 * header; a rejected request leaves the stored connector byte-for-byte unchanged; the server
 * keeps answering. Random cases use a seeded generator (FUZZ_SEED=<n> to replay, FUZZ_CASES=<n>
 * per endpoint to run more).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_NESTING_DEPTH } from '../../src/domain/shared/json.js';
import { ok } from '../helpers/assert-es.js';
import { createConnector } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const CASES = Number(process.env.FUZZ_CASES ?? 60);
const ID = 'fz';

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
/** Top-level fields of each endpoint and the JSON types each accepts (connector-api.md §6). */
const ENDPOINTS: { method: 'PUT' | 'POST' | 'DELETE'; path: string; fields: Record<string, JsonType[]>; noBody?: boolean }[] = [
  { method: 'PUT', path: `/_connector/${ID}`, fields: { description: ['string'], index_name: ['string', 'null'], is_native: ['boolean'], language: ['string'], name: ['string'], service_type: ['string'] } },
  { method: 'PUT', path: '/_connector', fields: { description: ['string'], index_name: ['string', 'null'], is_native: ['boolean'], language: ['string'], name: ['string'], service_type: ['string'] } },
  { method: 'POST', path: '/_connector', fields: { description: ['string'], index_name: ['string', 'null'], is_native: ['boolean'], language: ['string'], name: ['string'], service_type: ['string'] } },
  { method: 'PUT', path: `/_connector/${ID}/_name`, fields: { name: ['string', 'null'], description: ['string', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_service_type`, fields: { service_type: ['string'] } },
  { method: 'PUT', path: `/_connector/${ID}/_index_name`, fields: { index_name: ['string', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_native`, fields: { is_native: ['boolean'] } },
  { method: 'PUT', path: `/_connector/${ID}/_pipeline`, fields: { pipeline: ['object'] } },
  { method: 'PUT', path: `/_connector/${ID}/_scheduling`, fields: { scheduling: ['object'] } },
  { method: 'PUT', path: `/_connector/${ID}/_configuration`, fields: { configuration: ['object', 'null'], values: ['object', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_filtering`, fields: { filtering: ['array', 'null'], rules: ['array', 'null'], advanced_snippet: ['object', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_filtering/_validation`, fields: { validation: ['object'] } },
  { method: 'PUT', path: `/_connector/${ID}/_error`, fields: { error: ['string', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_status`, fields: { status: ['string', 'null'] } },
  {
    method: 'PUT', path: `/_connector/${ID}/_last_sync`, fields: {
      last_access_control_sync_error: ['string', 'null'], last_access_control_sync_scheduled_at: ['string', 'null'],
      last_access_control_sync_status: ['string', 'null'], last_deleted_document_count: ['number', 'null'],
      last_incremental_sync_scheduled_at: ['string', 'null'], last_indexed_document_count: ['number', 'null'],
      last_seen: ['string', 'null'], last_sync_error: ['string', 'null'], last_sync_scheduled_at: ['string', 'null'],
      last_sync_status: ['string', 'null'], last_synced: ['string', 'null'],
      sync_cursor: ['null', 'object'],
    },
  },
  { method: 'PUT', path: `/_connector/${ID}/_features`, fields: { features: ['object'] } },
  { method: 'PUT', path: `/_connector/${ID}/_api_key_id`, fields: { api_key_id: ['string', 'null'], api_key_secret_id: ['string', 'null'] } },
  { method: 'PUT', path: `/_connector/${ID}/_check_in`, fields: {}, noBody: true },
  { method: 'PUT', path: `/_connector/${ID}/_filtering/_activate`, fields: {}, noBody: true },
  { method: 'DELETE', path: `/_connector/${ID}`, fields: {}, noBody: true },
];

/** Values of each JSON type that can never be valid where that type is not accepted. */
const WRONG: Record<JsonType, unknown[]> = {
  string: ['not-valid', '', ' ', '\u0000', '😀'.repeat(3)],
  number: [0, -1, 1.5, 1e308, -0],
  boolean: [true, false],
  null: [null],
  array: [[], [null], [1, 'a', {}]],
  object: [{ zz: 1 }, { a: { b: { c: {} } } }],
};

let srv: TestServer;
let snapshot = '';

async function stored(): Promise<string> {
  const res = await srv.inject({ method: 'GET', url: `/_connector/${ID}?include_deleted` });
  assert.equal(res.statusCode, 200, `stored connector disappeared: ${res.body}`);
  return res.body;
}

/** Sends one request and checks the invariants; `mustFail` requires a 4xx. Returns the status. */
async function send(method: string, path: string, payload: string, note: string, mustFail: boolean): Promise<number> {
  const res = await srv.inject({ method: method as 'PUT', url: path, payload, headers: { 'content-type': 'application/json' } });
  const where = `${method} ${path} ${note} (FUZZ_SEED=${SEED}) body=${payload.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  assert.ok(res.statusCode < 500, `5xx: ${where}`);
  assert.equal(res.headers['x-elastic-product'], 'Elasticsearch', where);
  if (res.statusCode < 400) snapshot = await stored();
  if (mustFail) assert.ok(res.statusCode >= 400, `expected a 4xx: ${where}`);
  if (res.statusCode >= 400) {
    const body = res.json();
    assert.equal(body.status, res.statusCode, where);
    if (res.statusCode !== 405) {
      assert.equal(typeof body.error?.type, 'string', where);
      assert.equal(typeof body.error?.reason, 'string', where);
      assert.equal(body.error.root_cause?.[0]?.type, body.error.type, where);
    }
    assert.equal(await stored(), snapshot, `stored connector changed after a rejected request: ${where}`);
  }
  return res.statusCode;
}

/** mulberry32: small seeded PRNG so failures replay. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  srv = await startServer();
  await createConnector(srv, ID, { name: 'fuzz', index_name: 'search-fuzz', service_type: 'mysql' });
  await createConnector(srv, 'other', { index_name: 'search-other' });
  ok(await srv.inject({ method: 'PUT', url: `/_connector/${ID}/_configuration`, body: { configuration: { host: { label: 'Host' } } } }));
  snapshot = await stored();
});
after(() => srv.close());

describe('odd top-level bodies → 4xx with the envelope, nothing stored', () => {
  const bodies = [
    '[]', '[{}]', '[{"name":"x"}]', '"str"', '1', '-1.5e300', 'true', 'false', 'null', '{}x', '{"a":1}{"b":2}',
    '{"name":NaN}', '{"name":Infinity}', '{"name":undefined}', "{'name':'x'}", '{name:"x"}', '{"name":"x",}',
    '\u0000', '\uFEFF{}', '{"\\ud800":1}', '{"a":"\\x41"}', '{"a":01}', '{"unknown":1}', '{"__proto__":{"name":"x"}}',
    '{"constructor":{"prototype":{"x":1}}}', '{"toString":1}', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))),
    '['.repeat(MAX_NESTING_DEPTH + 1) + ']'.repeat(MAX_NESTING_DEPTH + 1),
    '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
  ];
  for (const ep of ENDPOINTS) {
    it(`${ep.method} ${ep.path}`, async () => {
      for (const b of bodies) await send(ep.method, ep.path, b, 'top-level', true);
    });
  }
});

describe('wrong JSON type for each field → 4xx, nothing stored', () => {
  for (const ep of ENDPOINTS.filter((e) => Object.keys(e.fields).length > 0)) {
    it(`${ep.method} ${ep.path}`, async () => {
      for (const [field, accepted] of Object.entries(ep.fields)) {
        for (const type of Object.keys(WRONG) as JsonType[]) {
          if (accepted.includes(type)) continue;
          for (const v of WRONG[type]) await send(ep.method, ep.path, JSON.stringify({ [field]: v }), `${field}: ${type}`, true);
        }
      }
      // Values of an accepted type whose content is never valid.
      const invalid: Record<string, unknown[]> = {
        is_native: ['maybe', 'TRUE', ''], status: ['bogus', ''], service_type: ep.path.endsWith('/_service_type') ? [''] : [],
        index_name: ['', '_x', 'a b', 'a#b', 'a:b', '.', '..', 'x'.repeat(256)],
        last_sync_status: ['done'], last_access_control_sync_status: ['DONE!'],
        last_synced: ['yesterday', '2023-02-30T00:00:00Z', ''], last_seen: ['1.5'],
        last_indexed_document_count: ['many', '1.5'], last_deleted_document_count: [''],
        pipeline: [{}, { name: 'p' }, { extract_binary_content: 'yes', name: 'p', reduce_whitespace: true, run_ml_inference: true }],
        scheduling: [{}, { access_control: { enabled: true, interval: '0 0 0 * * ?' } }, { full: { enabled: true } }, { full: { enabled: true, interval: '61 0 0 * * ?' } }, { full: { enabled: true, interval: 5 } }, { full: null }],
        features: [{ incremental_sync: {} }, { incremental_sync: { enabled: 'on' } }, { sync_rules: { basic: true } }],
        validation: [{}, { errors: [] }, { errors: {}, state: 'valid' }, { errors: [], state: 'bogus' }, { errors: [{ ids: 'a', messages: [] }], state: 'valid' }],
        rules: [[{}], [null], ['x'], [{ field: 'f', id: 'i', order: 'first', policy: 'include', rule: 'equals', value: 'v' }], [{ field: 'f', id: 'i', order: 1, policy: 'include', rule: 'EQUALS', value: 'v' }]],
        advanced_snippet: [{}, { value: 'SELECT 1' }, { value: 1 }, { value: null }, { value: {}, created_at: 12 }],
        filtering: [[{}], [null], [{ active: {} }], [{ active: {}, draft: {} }]],
        configuration: [{ k: {} }, { k: null }, { k: 'x' }, { k: { label: 'L', display: 'slider' } }, { k: { label: 'L', type: 'STR' } }, { k: { label: 'L', default_value: [] } }],
        values: [{ unknown: 1 }, { toString: 1 }, { constructor: 1 }, { host: 1, nope: 2 }],
      };
      for (const field of Object.keys(ep.fields)) {
        for (const v of invalid[field] ?? []) await send(ep.method, ep.path, JSON.stringify({ [field]: v }), `${field} invalid`, true);
      }
    });
  }
});

describe('nulls everywhere', () => {
  for (const ep of ENDPOINTS.filter((e) => Object.keys(e.fields).length > 0 && e.method !== 'POST' && e.path !== '/_connector')) {
    it(`${ep.method} ${ep.path}: every field null at once is rejected or harmless`, async () => {
      const body = JSON.stringify(Object.fromEntries(Object.keys(ep.fields).map((k) => [k, null])));
      await send(ep.method, ep.path, body, 'all null', false);
    });
  }
});

/** Random JSON values, biased towards the edge cases parsers get wrong. */
function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const keys = ['name', 'index_name', 'is_native', 'value', 'label', 'enabled', 'interval', 'rules', 'full', 'status', 'id', 'order',
    '__proto__', 'constructor', 'toString', '', ' ', 'ünï', '😀', 'a.b', '$ref', 'x'.repeat(300)];
  const strings = ['', 'x', ' ', '\u0000', '\uFFFF', '😀', 'null', 'true', '1', '-1', '1e3', '0 0 0 * * ?', '61 0 0 * * ?', 'content-x',
    'search-fuzz', 'search-other', '_bad', '..', 'a,b', '2023-05-25T12:30:00Z', '2023-02-30', 'CONNECTED', 'needs_configuration',
    'include', 'regex', '<script>', "'; DROP TABLE connectors; --", '%00', '\\', '"'];
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 5 || r < 0.35) {
      return pick<unknown>([null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE, pick(strings), pick(strings), 'x'.repeat(Math.floor(rand() * 5000))]);
    }
    if (r < 0.55) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 5); i > 0; i--) {
      const k = pick(keys);
      if (k === '__proto__') Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      else o[k] = value(depth + 1);
    }
    return o;
  };
  return { pick, value };
}

describe(`random bodies (seed ${SEED}, ${CASES} per endpoint)`, () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.method} ${ep.path}`, async () => {
      const rand = prng(SEED ^ ep.path.length ^ ep.method.charCodeAt(0));
      const { pick, value } = generator(rand);
      const fields = Object.keys(ep.fields);
      for (let i = 0; i < CASES; i++) {
        let body: unknown;
        const r = rand();
        if (r < 0.15 || fields.length === 0) body = value(0);
        else {
          const o: Record<string, unknown> = {};
          for (let n = 1 + Math.floor(rand() * fields.length); n > 0; n--) o[pick(fields)] = value(1);
          if (rand() < 0.2) o[pick(['extra', 'id', 'deleted', '_source'])] = value(2);
          body = o;
        }
        const payload = JSON.stringify(body) ?? 'null';
        // Endpoints without a body must reject every body; the others may accept a valid one.
        await send(ep.method, ep.path, payload, `random #${i}`, ep.noBody === true);
      }
    });
  }
});

describe('huge values', () => {
  it('a 2 MB name is stored and read back intact; a 2 MB index_name is rejected', async () => {
    const big = 'ü'.repeat(1024 * 1024);
    await send('PUT', `/_connector/${ID}/_name`, JSON.stringify({ name: big }), 'huge name', false);
    const doc = JSON.parse(await stored());
    assert.equal(doc.name, big);
    await send('PUT', `/_connector/${ID}/_index_name`, JSON.stringify({ index_name: big }), 'huge index_name', true);
  });

  it('many keys in a map-valued field (sync_cursor) are fine', async () => {
    const cursor = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key-${i}`, i]));
    await send('PUT', `/_connector/${ID}/_last_sync`, JSON.stringify({ sync_cursor: cursor }), 'wide cursor', false);
    assert.equal(Object.keys(JSON.parse(await stored()).sync_cursor).length, 20_000);
  });

  it(`nesting up to ${MAX_NESTING_DEPTH} levels is accepted, deeper is a 400`, async () => {
    const nest = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    await send('PUT', `/_connector/${ID}/_last_sync`, `{"sync_cursor":${nest(MAX_NESTING_DEPTH - 1)}}`, 'deep ok', false);
    await send('PUT', `/_connector/${ID}/_last_sync`, `{"sync_cursor":${nest(MAX_NESTING_DEPTH)}}`, 'too deep', true);
    await send('PUT', `/_connector/${ID}/_filtering`, `{"advanced_snippet":{"value":${nest(MAX_NESTING_DEPTH)}}}`, 'too deep snippet', true);
  });
});

describe('raw garbage bytes', () => {
  it('random byte strings never cause a 5xx', async () => {
    const rand = prng(SEED);
    for (let i = 0; i < CASES; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      const res = await srv.inject({ method: 'PUT', url: `/_connector/${ID}/_name`, payload: bytes, headers: { 'content-type': 'application/json' } });
      assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body} (FUZZ_SEED=${SEED})`);
      if (res.statusCode >= 400) assert.equal(await stored(), snapshot);
      else snapshot = await stored();
    }
  });
});

describe('afterwards', () => {
  it('the server is alive and the connectors are readable and listable', async () => {
    assert.equal(ok(await srv.inject({ method: 'GET', url: '/' })).tagline, 'You Know, for Search');
    assert.equal((await srv.inject({ method: 'HEAD', url: '/' })).statusCode, 200);
    assert.equal(JSON.parse(await stored()).id, ID);
    const list = ok(await srv.inject({ method: 'GET', url: '/_connector?include_deleted&size=10000' }));
    assert.equal(list.results.length, list.count);
    for (const r of list.results) assert.equal(typeof r.id, 'string');
  });
});
