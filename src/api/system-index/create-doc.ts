/**
 * `POST /.elastic-connectors/_doc` (and `/.elastic-connectors-v1/_doc`): a connector document
 * written straight into the system index, as the `connectors` CLI of Elastic's connector service
 * does for `connector create`. It creates a connector as the Connector API does — a generated
 * id, the API's checks of `index_name`, `name`, `service_type`, `language`, `is_native`, its
 * defaults — with the rest of the document (configuration, scheduling, pipeline, features, …)
 * taken as written, like any document write into the index. Answers Elasticsearch's index
 * response with the document's sequence numbers.
 */
import { newConnectorDoc } from '../../domain/connector/defaults.js';
import type { ConnectorDoc } from '../../domain/connector/document.js';
import { parseCreate } from '../../domain/connector/requests.js';
import { errors } from '../../domain/errors.js';
import { deepMerge, isPlainObject } from '../../domain/shared/json.js';
import { PRIMARY_TERM } from '../../domain/shared/seq-no.js';
import { SYSTEM_INDICES } from '../../domain/system-index-mappings.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { assertMaySyncInto } from '../connector/shared.js';

const CONNECTORS = SYSTEM_INDICES.find((s) => s.kind === 'connector')!;
/** What the Connector API's create checks; the rest of the document is written as given. */
const CREATE_FIELDS = ['description', 'index_name', 'is_native', 'language', 'name', 'service_type'];

async function createDoc(req: EndpointRequest, app: AppContext) {
  if (!isPlainObject(req.body)) throw errors.parsing('request body must be a JSON object');
  const body = req.body;
  const fields = parseCreate(Object.fromEntries(CREATE_FIELDS.filter((k) => k in body).map((k) => [k, body[k]])));
  assertMaySyncInto(req, app, fields.index_name);
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !CREATE_FIELDS.includes(k)));
  const doc = deepMerge(newConnectorDoc(fields, app.clock.now()), rest) as ConnectorDoc;
  const id = app.newId();
  await app.store.connectors.put(id, doc);
  const stored = await app.store.connectors.get(id);
  return {
    status: 201,
    body: {
      _index: CONNECTORS.concrete, _id: id, _version: stored?.seq.version ?? 1, result: 'created',
      _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: stored?.seq.seqNo ?? 0, _primary_term: PRIMARY_TERM,
    },
  };
}

export const createConnectorDoc: Endpoint = {
  name: 'index',
  method: 'POST',
  paths: [`/${CONNECTORS.alias}/_doc`, `/${CONNECTORS.concrete}/_doc`],
  index: CONNECTORS.alias,
  action: 'indices:data/write/index',
  body: 'required',
  params: { refresh: 'string', timeout: 'time', wait_for_active_shards: 'string', op_type: 'string', pipeline: 'string', routing: 'string', require_alias: 'boolean' },
  handler: createDoc,
};
