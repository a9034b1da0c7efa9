/**
 * Every REST endpoint the server answers, like Elasticsearch's plugin list of REST handlers.
 * Resource groups add their arrays here.
 */
import { connectorEndpoints } from './connector/index.js';
import type { Endpoint } from './endpoint.js';
import { indexEndpoints } from './content-index/index.js';
import { ingestEndpoints } from './ingest/index.js';
import { clusterHealth } from './root/cluster-health.js';
import { getInfo, ping } from './root/info.js';
import { getLicense } from './root/license.js';
import { metrics } from './root/metrics.js';
import { listSourceTypes } from './tributary/source-types.js';
import { secretEndpoints } from './secret/index.js';
import { securityEndpoints } from './security/index.js';
import { syncJobEndpoints } from './sync-job/index.js';
import { systemIndexEndpoints } from './system-index/index-admin.js';
import { systemIndexReadEndpoints } from './system-index/search.js';
import { createConnectorDoc } from './system-index/create-doc.js';
import { createSyncJobDoc } from './system-index/create-job-doc.js';
import { updateConnectorDoc, updateSyncJobDoc } from './system-index/update-doc.js';

export const endpoints: Endpoint[] = [
  getInfo,
  ping,
  clusterHealth,
  getLicense,
  metrics,
  listSourceTypes,
  ...connectorEndpoints,
  ...syncJobEndpoints,
  ...secretEndpoints,
  ...securityEndpoints,
  updateConnectorDoc,
  updateSyncJobDoc,
  ...systemIndexEndpoints,
  ...systemIndexReadEndpoints,
  createConnectorDoc,
  createSyncJobDoc,
  ...ingestEndpoints,
  ...indexEndpoints,
];
