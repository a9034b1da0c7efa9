/**
 * `POST /.elastic-connectors/_update/{id}` and `POST /.elastic-connectors-sync-jobs/_update/{id}`:
 * the document updates Elastic's connector service sends to the connector system indices to
 * finish, suspend or cancel jobs and to write stats (connector-api.md §7.12: "the connector
 * service writes those directly to the index"). Tributary's worker uses them too, so it runs
 * unchanged against Elasticsearch. Unlike a raw index write, a sync job status change is
 * checked against the state machine, atomically (statusWrittenByService: the two moves a
 * service makes when a cancel races the end of a sync are allowed). `if_seq_no` + `if_primary_term` make it a
 * compare-and-write, checked inside the transaction that holds the row (domain/shared/seq-no.ts),
 * so of two writers holding the same numbers exactly one succeeds.
 */
import { errors } from '../../domain/errors.js';
import { deepMerge } from '../../domain/shared/json.js';
import { checkSeqNo, parseIfSeqNo, type IfSeqNo } from '../../domain/shared/seq-no.js';
import { parseStrict, object, any } from '../../domain/shared/parse.js';
import { statusWrittenByService } from '../../domain/sync-job/state-machine.js';
import type { SyncStatus } from '../../domain/connector/enums.js';
import { CONNECTORS_INDEX as CONNECTORS } from '../../domain/connector/document.js';
import { SYNC_JOBS_INDEX as SYNC_JOBS } from '../../domain/sync-job/document.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { assertMaySyncInto } from '../connector/shared.js';

function parseUpdate(req: EndpointRequest): { patch: Record<string, unknown>; cond: IfSeqNo | undefined } {
  const r = parseStrict('update_request', req.body, {
    doc: { parse: object, required: true },
    doc_as_upsert: { parse: any },
    detect_noop: { parse: any },
  });
  const cond = parseIfSeqNo({
    ifSeqNo: req.query.if_seq_no as number | undefined,
    ifPrimaryTerm: req.query.if_primary_term as number | undefined,
    retryOnConflict: req.query.retry_on_conflict as number | undefined,
    docAsUpsert: r.doc_as_upsert === true,
  });
  return { patch: r.doc as Record<string, unknown>, cond };
}

async function update(kind: 'connector' | 'job', req: EndpointRequest, app: AppContext) {
  const id = req.params.id;
  const { patch, cond } = parseUpdate(req);
  const index = `${kind === 'connector' ? CONNECTORS : SYNC_JOBS}-v1`;
  // The worker syncs into the connector's index_name, and a job into its connector snapshot's.
  const connectorPatch = kind === 'connector' ? patch : patch.connector;
  if (connectorPatch && typeof connectorPatch === 'object') assertMaySyncInto(req, app, (connectorPatch as Record<string, unknown>).index_name);
  const out =
    kind === 'connector'
      ? await app.store.connectors.update(id, (doc, seq) => {
          checkSeqNo(id, seq, cond, index);
          return deepMerge(doc, patch);
        })
      : await app.store.syncJobs.update(id, (doc, seq) => {
          checkSeqNo(id, seq, cond, index);
          if ('status' in patch && patch.status !== doc.status) {
            if (typeof patch.status !== 'string') throw errors.illegalArgument('[status] must be a string');
            const status = statusWrittenByService(doc.status, patch.status as SyncStatus);
            if (status === patch.status) return deepMerge(doc, patch);
            // A stop while canceling is stored as the cancel it finishes (statusWrittenByService).
            const now = app.clock.now();
            return deepMerge(doc, { ...patch, status, canceled_at: now, completed_at: now });
          }
          return deepMerge(doc, patch);
        });
  if (!out) throw errors.documentMissing(index, id);
  // A noop writes nothing: no shard copy was touched and the numbers stay (as in Elasticsearch).
  const shards = out.result === 'noop' ? 0 : 1;
  return {
    body: {
      _index: index, _id: id, _version: out.seq.version, result: out.result,
      _shards: { total: shards, successful: shards, failed: 0 }, _seq_no: out.seq.seqNo, _primary_term: out.seq.primaryTerm,
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
