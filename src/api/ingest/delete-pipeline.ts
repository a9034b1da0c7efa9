/**
 * `DELETE /_ingest/pipeline/<id>` (a comma list, wildcards): removes stored pipelines. An id
 * without a wildcard that names none is 404 `resource_not_found_exception`, as in
 * Elasticsearch. Deleting a replaced default pipeline brings the default back; a default
 * itself stays (Elasticsearch's registry reinstalls its own likewise).
 */
import { errors } from '../../domain/errors.js';
import type { Endpoint } from '../endpoint.js';
import { isBuiltin, selectIds } from './pipelines.js';
import { ACTION } from './shared.js';

export const deletePipeline: Endpoint = {
  name: 'ingest.delete_pipeline',
  method: 'DELETE',
  paths: ['/_ingest/pipeline/:id'],
  params: { master_timeout: 'time', timeout: 'time' },
  action: ACTION + 'delete',
  body: 'none',
  async handler(req, app) {
    const names = req.params.id!;
    const stored = (await app.store.pipelines.list()).map((p) => p.id);
    const ids = selectIds(stored, names);
    for (const name of names.split(',')) {
      if (name.includes('*') || name === '_all') continue;
      if (!ids.includes(name) && !isBuiltin(name)) throw errors.notFound(`pipeline [${name}] is missing`);
    }
    for (const id of ids) await app.store.pipelines.delete(id);
    return { body: { acknowledged: true } };
  },
};
