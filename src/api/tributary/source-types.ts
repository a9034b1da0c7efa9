/**
 * `GET /_tributary/source_types` — the source types this installation registers
 * (src/sources/registry.ts): service type, name, features and configuration schema, each
 * schema exactly as the connector service registers it on a new connector. Elasticsearch has no
 * such endpoint (its list lives in Kibana); the web UI's "create connector" page and its
 * configuration form read it (docs/ui.md, docs/api.md). Authorised as listing connectors: who
 * may see connectors may see which kinds exist.
 */
import { sources } from '../../sources/registry.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION } from '../connector/shared.js';

export const listSourceTypes: Endpoint = {
  name: 'tributary.source_types',
  method: 'GET',
  paths: ['/_tributary/source_types'],
  action: ACTION + 'list',
  body: 'none',
  handler: () => ({
    body: {
      count: Object.keys(sources).length,
      results: Object.values(sources).map((s) => ({
        service_type: s.serviceType,
        name: s.displayName,
        features: s.features,
        configuration: s.configSchema(),
      })),
    },
  }),
};
