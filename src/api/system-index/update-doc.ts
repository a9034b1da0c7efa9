/**
 * `POST /.elastic-connectors/_update/{id}` and `POST /.elastic-connectors-sync-jobs/_update/{id}`:
 * the document updates Elastic's connector service sends to the connector system indices to
 * finish, suspend or cancel jobs and to write stats (connector-api.md §7.12: "the connector
 * service writes those directly to the index"). Tributary's worker uses them too, so it runs
 * unchanged against Elasticsearch. Unlike a raw index write, a sync job status change is
 * checked against the state machine, atomically.
 */
import { errors } from '../../domain/errors.js';
import { deepMerge } from '../../domain/shared/json.js';
import { parseStrict, object, any } from '../../domain/shared/parse.js';
import { assertSyncTransition } from '../../domain/sync-job/state-machine.js';
import type { SyncStatus } from '../../domain/connector/enums.js';
import { CONNECTORS_INDEX as CONNECTORS } from '../../domain/connector/document.js';
import { SYNC_JOBS_INDEX as SYNC_JOBS } from '../../domain/sync-job/document.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { assertMaySyncInto } from '../connector/shared.js';

function parseUpdate(body: unknown): Record<string, unknown> {
  const r = parseStrict('update_request', body, {
    doc: { parse: object, required: true },
    doc_as_upsert: { parse: any },
    detect_noop: { parse: any },
  });
  return r.doc as Record<string, unknown>;
}

async function update(kind: 'connector' | 'job', req: EndpointRequest, app: AppContext) {
  const id = req.params.id;
  const patch = parseUpdate(req.body);
  // The worker syncs into the connector's index_name, and a job into its connector snapshot's.
  const connectorPatch = kind === 'connector' ? patch : patch.connector;
  if (connectorPatch && typeof connectorPatch === 'object') assertMaySyncInto(req, app, (connectorPatch as Record<string, unknown>).index_name);
  const out =
    kind === 'connector'
      ? await app.store.connectors.update(id, (doc) => deepMerge(doc, patch))
      : await app.store.syncJobs.update(id, (doc) => {
          if ('status' in patch && patch.status !== doc.status) {
            if (typeof patch.status !== 'string') throw errors.illegalArgument('[status] must be a string');
            assertSyncTransition(doc.status, patch.status as SyncStatus);
          }
          return deepMerge(doc, patch);
        });
  const index = kind === 'connector' ? CONNECTORS : SYNC_JOBS;
  if (!out) throw errors.documentMissing(`${index}-v1`, id);
  return {
    body: {
      _index: `${index}-v1`, _id: id, _version: 1, result: out.result,
      _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1,
    },
  };
}

export const updateConnectorDoc: Endpoint = {
  name: 'update',
  method: 'POST',
  paths: [`/${CONNECTORS}/_update/:id`],
  index: CONNECTORS,
  action: 'indices:data/write/update',
  body: 'required',
  params: { refresh: 'string', retry_on_conflict: 'int', if_seq_no: 'int', if_primary_term: 'int' },
  handler: (req, app) => update('connector', req, app),
};

export const updateSyncJobDoc: Endpoint = {
  name: 'update',
  method: 'POST',
  paths: [`/${SYNC_JOBS}/_update/:id`],
  index: SYNC_JOBS,
  action: 'indices:data/write/update',
  body: 'required',
  params: { refresh: 'string', retry_on_conflict: 'int', if_seq_no: 'int', if_primary_term: 'int' },
  handler: (req, app) => update('job', req, app),
};
