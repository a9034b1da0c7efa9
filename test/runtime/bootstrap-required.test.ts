/**
 * Which required configuration fields hold a connector in needs_configuration: a field hidden by
 * its `depends_on` (another field's value) is not required, as in Elastic's framework and Kibana.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingRequired } from '../../src/runtime/worker/bootstrap.js';
import { githubSource } from '../../src/sources/github/datasource.js';

test("a required field counts only while its depends_on is met (github's schema)", () => {
  const configuration = githubSource.configSchema();
  const missing = (values: Record<string, unknown>) => {
    const c = structuredClone(configuration);
    for (const [k, v] of Object.entries(values)) c[k].value = v;
    return missingRequired({ configuration: c }).map((m) => m.split(' ')[0]).sort();
  };
  assert.deepEqual(missing({}), ['host', 'token']);
  assert.deepEqual(missing({ data_source: 'github_cloud' }), ['token']);
  assert.deepEqual(missing({ data_source: 'github_cloud', repo_type: 'organization' }), ['org_name', 'token']);
  assert.deepEqual(missing({ data_source: 'github_cloud', auth_method: 'github_app' }), ['app_id', 'private_key']);
  assert.deepEqual(missing({ data_source: 'github_cloud', token: 't' }), []);
});
