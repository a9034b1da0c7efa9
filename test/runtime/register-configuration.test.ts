/**
 * The worker registers a source's configuration schema on a connector with an empty
 * configuration only while it is still empty (src/runtime/worker/api-client.ts
 * registerConfiguration): a configuration someone wrote after the worker's read — the web UI
 * registers the schema together with the values typed — is never replaced by the bare schema.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectorApi } from '../../src/runtime/worker/api-client.js';
import { directorySource } from '../../src/sources/directory/datasource.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let api: ConnectorApi;
before(async () => {
  srv = await startServer({ listen: true });
  api = ConnectorApi.connect({ url: srv.url });
});
after(() => srv.close());

const userConfiguration = () => {
  const c = directorySource.configSchema() as Record<string, { value: unknown }>;
  c.path.value = '/srv/typed-by-the-user';
  return c;
};
const create = async (id: string) => assert.equal((await srv.inject({ method: 'PUT', url: `/_connector/${id}`, body: { index_name: `search-${id}`, service_type: 'directory' } })).statusCode, 201);
const pathOf = async (id: string) => ((await srv.inject({ method: 'GET', url: `/_connector/${id}` })).json() as { configuration: { path?: { value: unknown } } }).configuration.path?.value;

test('an empty configuration gets the schema, status configured', async () => {
  await create('empty');
  assert.equal(await api.registerConfiguration('empty', directorySource.configSchema()), true);
  const c = (await srv.inject({ method: 'GET', url: '/_connector/empty' })).json();
  assert.deepEqual(Object.keys(c.configuration).sort(), Object.keys(directorySource.configSchema()).sort());
  assert.equal(c.status, 'configured');
});

test('a configuration written before the registration is kept', async () => {
  await create('typed');
  assert.equal((await srv.inject({ method: 'PUT', url: '/_connector/typed/_configuration', body: { configuration: userConfiguration() } })).statusCode, 200);
  assert.equal(await api.registerConfiguration('typed', directorySource.configSchema()), false);
  assert.equal(await pathOf('typed'), '/srv/typed-by-the-user');
});

test('a configuration written while the worker registers is kept (the conditional write loses)', async () => {
  await create('racing');
  // The worker reads the connector (still empty), then the user saves, then the worker writes.
  const read = api.getConnector.bind(api);
  api.getConnector = async (id) => {
    const seen = await read(id);
    assert.equal((await srv.inject({ method: 'PUT', url: `/_connector/${id}/_configuration`, body: { configuration: userConfiguration() } })).statusCode, 200);
    return seen;
  };
  try {
    assert.equal(await api.registerConfiguration('racing', directorySource.configSchema()), false);
  } finally {
    api.getConnector = read;
  }
  assert.equal(await pathOf('racing'), '/srv/typed-by-the-user');
});
