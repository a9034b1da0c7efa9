/**
 * `GET /_license` (license.get), answered as a cluster with an active `enterprise` license.
 * Tributary has no licence tiers: everything it implements is available to everyone. Clients
 * gate features on this answer — Elastic's connector service refuses access-control syncs
 * (document-level security) and its premium sources below `platinum` — so the answer names the
 * tier that enables all of them (docs/api.md "GET /_license"). `accept_enterprise=false` (a
 * pre-8 client's flag) gets `platinum`, as Elasticsearch does for an enterprise license.
 */
import type { AppContext } from '../app-context.js';
import type { Endpoint } from '../endpoint.js';

const STARTED = Date.now();
/** Far future, as Elasticsearch's never-expiring licences answer. */
const NEVER = Date.UTC(9999, 11, 31);

export function licenseBody(app: AppContext, acceptEnterprise: boolean) {
  return {
    license: {
      status: 'active',
      uid: app.identity.clusterUuid,
      type: acceptEnterprise ? 'enterprise' : 'platinum',
      issue_date: new Date(STARTED).toISOString(),
      issue_date_in_millis: STARTED,
      expiry_date: new Date(NEVER).toISOString(),
      expiry_date_in_millis: NEVER,
      max_nodes: null,
      max_resource_units: 1,
      issued_to: app.identity.clusterName,
      issuer: 'tributary',
      start_date_in_millis: -1,
    },
  };
}

export const getLicense: Endpoint = {
  name: 'license.get',
  method: 'GET',
  paths: ['/_license'],
  params: { local: 'boolean', accept_enterprise: 'boolean' },
  action: 'cluster:monitor/xpack/license/get',
  handler: (req, app) => ({ body: licenseBody(app, req.query.accept_enterprise !== false) }),
};
