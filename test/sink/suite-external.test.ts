/**
 * The shared sink suite against a real cluster, when one is given and reachable:
 *
 *   TRIBUTARY_TEST_ES_URL=http://elastic:changeme@localhost:9200      (or with TRIBUTARY_TEST_ES_API_KEY)
 *   TRIBUTARY_TEST_OPENSEARCH_URL=http://admin:Secret-123@localhost:9201
 *
 * Otherwise each suite is skipped with the reason. Test indices are `tributary-sink-test-*`
 * and `.search-acl-filter-tributary-sink-test-*`, deleted afterwards. For a cluster with a
 * self-signed certificate run with NODE_EXTRA_CA_CERTS=<ca.pem>.
 */
import { openElasticsearchSink } from '../../src/sink/cluster/elasticsearch.js';
import { openOpenSearchSink } from '../../src/sink/cluster/opensearch.js';
import { parseClusterConfig, type ClusterTarget } from '../../src/sink/cluster/config.js';
import { httpInspector, sinkSuite } from '../../src/sink/sink.case.js';

interface External {
  url: string;
  headers: Record<string, string>;
  raw: Record<string, unknown>;
}

function external(envUrl: string | undefined, apiKey: string | undefined): External | undefined {
  if (!envUrl) return undefined;
  const u = new URL(envUrl);
  const raw: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  if (u.username) {
    const [user, pass] = [decodeURIComponent(u.username), decodeURIComponent(u.password)];
    raw.username = user;
    raw.password = pass;
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  if (apiKey) {
    raw.api_key = apiKey;
    headers.authorization = `ApiKey ${apiKey}`;
  }
  const url = u.toString().replace(/\/$/, '');
  raw.url = url;
  return { url, headers, raw };
}

async function skipReason(name: string, env: string, e: External | undefined): Promise<string | false> {
  if (!e) return `${env} is not set: no ${name} cluster to test against`;
  try {
    const res = await fetch(e.url + '/', { headers: e.headers, signal: AbortSignal.timeout(3000) });
    if (res.status >= 400) return `${name} at ${e.url} answered GET / with ${res.status}`;
    return false;
  } catch (err) {
    return `${name} at ${e.url} is not reachable (${(err as Error).cause ?? (err as Error).message})`;
  }
}

const targets: Array<[ClusterTarget, string, string, string | undefined]> = [
  ['elasticsearch', 'Elasticsearch', 'TRIBUTARY_TEST_ES_URL', process.env.TRIBUTARY_TEST_ES_API_KEY],
  ['opensearch', 'OpenSearch', 'TRIBUTARY_TEST_OPENSEARCH_URL', undefined],
];

for (const [target, name, env, apiKey] of targets) {
  const e = external(process.env[env], apiKey);
  const skip = await skipReason(name, env, e);
  sinkSuite(`${target} sink → ${name} at ${e?.url ?? '(none)'}`, async () => {
    const cfg = parseClusterConfig(target, e!.raw, env, {});
    const sink = target === 'elasticsearch' ? openElasticsearchSink(cfg) : openOpenSearchSink(cfg);
    return { sink, inspect: httpInspector(e!.url, e!.headers), close: () => sink.close() };
  }, { skip, analyzers: true });
}
