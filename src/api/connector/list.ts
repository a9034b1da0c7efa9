/** `GET /_connector` — list with filters and paging (§6.3). */
import { errors } from '../../domain/errors.js';
import { indexNameMessage } from '../../domain/connector/index-name.js';
import type { Endpoint } from '../endpoint.js';
import { paging } from '../query-params.js';
import { presentForCaller } from '../sensitive.js';
import { ACTION } from './shared.js';

export const listConnectors: Endpoint = {
  name: 'connector.list',
  method: 'GET',
  paths: ['/_connector'],
  params: {
    from: 'int', size: 'int', index_name: 'list', connector_name: 'list', service_type: 'list',
    query: 'string', include_deleted: 'boolean',
  },
  action: ACTION + 'list',
  async handler(req, app) {
    const q = req.query;
    const { from, size } = paging(q);
    const indexNames = q.index_name as string[] | undefined;
    const bad = (indexNames ?? []).map(indexNameMessage).filter((m): m is string => m !== null);
    if (bad.length) throw errors.validation(bad);
    const list = await app.store.connectors.list({
      from, size, indexNames,
      names: q.connector_name as string[] | undefined,
      serviceTypes: q.service_type as string[] | undefined,
      query: q.query as string | undefined,
      includeDeleted: q.include_deleted === true,
    });
    return { body: `{"count":${list.count},"results":[${list.results.map((j) => presentForCaller(app, req, 'connector', j)).join(',')}]}`, raw: true };
  },
};
