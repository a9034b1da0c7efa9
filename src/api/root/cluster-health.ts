/**
 * `GET /_cluster/health` — readiness in Elasticsearch's shape. Tributary is one logical node
 * whose only dependency is its state store: `green` when the store answers, `red` with HTTP
 * 503 (so load balancers and the official clients' sniffing treat the node as down) when it
 * does not, with the reason in `store.reason`.
 */
import { ApiError } from '../../domain/errors.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint } from '../endpoint.js';

/** Longest a health check waits for the store before answering red. */
const PING_TIMEOUT_MS = 5000;

async function storeProblem(app: AppContext): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the ${app.store.kind} state store did not answer within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      app.store.ping().then(
        () => null,
        (e: unknown) => (e instanceof ApiError ? e.reason : `the ${app.store.kind} state store is unavailable: ${(e as Error)?.message ?? e}`),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const clusterHealth: Endpoint = {
  name: 'cluster.health',
  method: 'GET',
  paths: ['/_cluster/health', '/_cluster/health/:index'],
  params: {
    level: 'string',
    local: 'boolean',
    master_timeout: 'time',
    timeout: 'time',
    wait_for_active_shards: 'string',
    wait_for_events: 'string',
    wait_for_nodes: 'string',
    wait_for_no_initializing_shards: 'boolean',
    wait_for_no_relocating_shards: 'boolean',
    wait_for_status: 'string',
    expand_wildcards: 'list',
  },
  action: 'cluster:monitor/health',
  async handler(_req, app) {
    const problem = await storeProblem(app);
    const up = problem === null;
    return {
      status: up ? 200 : 503,
      body: {
        cluster_name: app.identity.clusterName,
        status: up ? 'green' : 'red',
        timed_out: false,
        number_of_nodes: 1,
        number_of_data_nodes: 1,
        active_primary_shards: 0,
        active_shards: 0,
        relocating_shards: 0,
        initializing_shards: 0,
        unassigned_shards: 0,
        unassigned_primary_shards: 0,
        delayed_unassigned_shards: 0,
        number_of_pending_tasks: 0,
        number_of_in_flight_fetch: 0,
        task_max_waiting_in_queue_millis: 0,
        active_shards_percent_as_number: up ? 100.0 : 0.0,
        store: up ? { type: app.store.kind, status: 'reachable' } : { type: app.store.kind, status: 'unreachable', reason: problem },
      },
    };
  },
};
