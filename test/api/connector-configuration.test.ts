/** `PUT _connector/{id}/_configuration`: schema registration and `values` (connector-api.md §6.11, §3.4). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector, update } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startServer(); });
after(() => srv.close());

const V = 'action_request_validation_exception';
const X = 'x_content_parse_exception';
const result = async (id: string, body?: unknown) => ok(await update(srv, id, '_configuration', body)).result as string;
const schema = {
  host: { label: 'Host', order: 1, type: 'str', display: 'TEXTBOX', required: true, value: 'localhost', tooltip: null, extra: 'dropped' },
  port: { label: 'Port', order: 2, type: 'int', default_value: 5432, value: 5432, validations: [{ type: 'GREATER_THAN', constraint: 0 }] },
  password: { label: 'Password', sensitive: true },
};
const stored = {
  host: { default_value: null, display: 'textbox', label: 'Host', order: 1, required: true, sensitive: false, type: 'str', value: 'localhost' },
  port: { default_value: 5432, label: 'Port', order: 2, required: false, sensitive: false, type: 'int', validations: [{ constraint: 0, type: 'greater_than' }], value: 5432 },
  password: { default_value: null, label: 'Password', required: false, sensitive: true, value: null },
};

describe('schema registration (configuration)', () => {
  before(() => createConnector(srv, 'cf'));

  it('replaces the configuration with normalised entries and sets status configured', async () => {
    assert.equal(await result('cf', { configuration: schema }), 'updated');
    const doc = await getConnector(srv, 'cf');
    assert.deepEqual(doc.configuration, stored);
    assert.equal(doc.status, 'configured');
  });

  it('is a full replace (scripted update): always updated, old keys gone', async () => {
    assert.equal(await result('cf', { configuration: schema }), 'updated');
    assert.equal(await result('cf', { configuration: { only: { label: 'Only' } } }), 'updated');
    assert.deepEqual(Object.keys((await getConnector(srv, 'cf')).configuration), ['only']);
    assert.equal(await result('cf', { configuration: {} }), 'updated');
    assert.deepEqual((await getConnector(srv, 'cf')).configuration, {});
  });

  it('sets configured without consulting the state machine (quirk 13)', async () => {
    await createConnector(srv, 'cf-err');
    ok(await update(srv, 'cf-err', '_error', { error: 'x' }));
    ok(await update(srv, 'cf-err', '_configuration', { configuration: {} }));
    assert.equal((await getConnector(srv, 'cf-err')).status, 'configured');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['entry without label', { configuration: { a: { value: 1 } } }, 'illegal_argument_exception', 'Required [label]'],
    ['unknown display', { configuration: { a: { label: 'A', display: 'slider' } } }, X, /failed to parse field \[display\]/],
    ['type not exact', { configuration: { a: { label: 'A', type: 'STR' } } }, X, /failed to parse field \[type\]/],
    ['object default_value', { configuration: { a: { label: 'A', default_value: {} } } }, X, /failed to parse field \[default_value\]/],
    ['entry not an object', { configuration: { a: 'A' } }, X, /failed to parse field/],
    ['configuration an array', { configuration: [] }, X, /failed to parse field \[configuration\]/],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => {
      ok(await update(srv, 'cf', '_configuration', { configuration: schema }));
      assertError(await expectUnchanged(srv, 'cf', () => update(srv, 'cf', '_configuration', body), 400), 400, type, reason);
    });
  }
});

describe('values', () => {
  before(async () => {
    await createConnector(srv, 'cv');
    ok(await update(srv, 'cv', '_configuration', { configuration: schema }));
  });

  it('changes only value for the given keys; everything else stays', async () => {
    assert.equal(await result('cv', { values: { host: 'db.example', password: { secret: true } } }), 'updated');
    const c = (await getConnector(srv, 'cv')).configuration;
    assert.deepEqual(c.host, { ...stored.host, value: 'db.example' });
    assert.deepEqual(c.password, { ...stored.password, value: { secret: true } });
    assert.deepEqual(c.port, stored.port);
  });

  it('an object value merges into an object value key by key (partial-doc deep merge, §1.5); other values replace', async () => {
    ok(await update(srv, 'cv', '_configuration', { values: { password: { user: 'u', secret: true } } }));
    assert.equal(await result('cv', { values: { password: { secret: false, extra: [1] } } }), 'updated');
    assert.deepEqual((await getConnector(srv, 'cv')).configuration.password.value, { secret: false, user: 'u', extra: [1] });
    assert.equal(await result('cv', { values: { password: 'plain' } }), 'updated');
    assert.equal((await getConnector(srv, 'cv')).configuration.password.value, 'plain');
    assert.equal(await result('cv', { values: { password: { secret: true } } }), 'updated');
    assert.deepEqual((await getConnector(srv, 'cv')).configuration.password.value, { secret: true });
  });

  it('same values again → noop; null is a value', async () => {
    assert.equal(await result('cv', { values: { host: 'db.example' } }), 'noop');
    assert.equal(await result('cv', { values: { host: null } }), 'updated');
    assert.equal((await getConnector(srv, 'cv')).configuration.host.value, null);
  });

  it('values {} only sets the status: noop when already configured, updated otherwise', async () => {
    assert.equal(await result('cv', { values: {} }), 'noop');
    await createConnector(srv, 'cv-new');
    assert.equal(await result('cv-new', { values: {} }), 'updated');
    assert.equal((await getConnector(srv, 'cv-new')).status, 'configured');
  });

  it('400 status_exception for keys not registered; nothing written', async () => {
    const res = await expectUnchanged(srv, 'cv', () => update(srv, 'cv', '_configuration', { values: { host: 'h', nope: 1, also: 2 } }), 400);
    const body = assertError(res, 400, 'status_exception', /^Unknown \[configuration\] fields in the request payload: \[(nope, also|also, nope)\]\. Remove them from request or register their schema first\.$/);
    assert.equal(body.error.type, 'status_exception');
  });

  it('Object.prototype names are not registered keys', async () => {
    for (const k of ['toString', 'constructor', '__proto__']) {
      const res = await expectUnchanged(srv, 'cv', () => update(srv, 'cv', '_configuration', `{"values":{"${k}":1}}`), 400);
      assertError(res, 400, 'status_exception', `Unknown [configuration] fields in the request payload: [${k}]. Remove them from request or register their schema first.`);
    }
  });

  it('a key named __proto__ can be registered and updated like any other', async () => {
    await createConnector(srv, 'cv-proto');
    ok(await update(srv, 'cv-proto', '_configuration', '{"configuration":{"__proto__":{"label":"P"}}}'));
    assert.equal(await result('cv-proto', '{"values":{"__proto__":"v"}}'), 'updated');
    const res = await srv.inject({ method: 'GET', url: '/_connector/cv-proto' });
    assert.equal(JSON.parse(res.body).configuration.__proto__.value, 'v');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['neither', {}, V, 'Validation Failed: 1: [configuration] and [values] cannot both be null.;'],
    ['both null', { configuration: null, values: null }, V, 'Validation Failed: 1: [configuration] and [values] cannot both be null.;'],
    ['both', { configuration: {}, values: {} }, V, 'Validation Failed: 1: [configuration] and [values] cannot both be provided in the same request.;'],
    ['values an array', { values: [1] }, X, /failed to parse field \[values\]/],
    ['unknown field', { values: {}, status: 'configured' }, X, '[connector_update_configuration_request] unknown field [status]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}`, async () => {
      assertError(await expectUnchanged(srv, 'cv', () => update(srv, 'cv', '_configuration', body), 400), 400, type, reason);
    });
  }
});
