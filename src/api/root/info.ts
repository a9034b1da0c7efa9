/** `GET /` and `HEAD /` — answered like Elasticsearch 9.x (clients ping with `HEAD /`). */
import type { AppContext } from '../app-context.js';
import type { Endpoint } from '../endpoint.js';

export function infoBody(app: AppContext) {
  return {
    name: app.identity.name,
    cluster_name: app.identity.clusterName,
    cluster_uuid: app.identity.clusterUuid,
    version: {
      number: app.identity.version,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: 'tributary',
      build_date: '2026-01-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '10.2.2',
      minimum_wire_compatibility_version: '8.19.0',
      minimum_index_compatibility_version: '8.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

export const getInfo: Endpoint = {
  name: 'info',
  method: 'GET',
  paths: ['/'],
  action: 'cluster:monitor/main',
  handler: (_req, app) => ({ body: infoBody(app) }),
};

export const ping: Endpoint = {
  name: 'ping',
  method: 'HEAD',
  paths: ['/'],
  action: 'cluster:monitor/main',
  handler: () => ({ status: 200 }),
};
