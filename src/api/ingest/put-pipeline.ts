/**
 * `PUT /_ingest/pipeline/<id>`: stores a pipeline after checking and compiling it (unknown
 * processors and options, `script`, conditions other than a field compared with a literal,
 * and the bounds of domain/ingest/pipeline.ts are 400s). A default pipeline may be replaced.
 * `if_version` makes it conditional, as in Elasticsearch.
 */
import { errors } from '../../domain/errors.js';
import { checkPipelineId, compilePipeline } from '../../domain/ingest/pipeline.js';
import type { Endpoint } from '../endpoint.js';
import { pipelineText } from './pipelines.js';
import { ACTION } from './shared.js';

export const putPipeline: Endpoint = {
  name: 'ingest.put_pipeline',
  method: 'PUT',
  paths: ['/_ingest/pipeline/:id'],
  params: { master_timeout: 'time', timeout: 'time', if_version: 'int' },
  action: ACTION + 'put',
  body: 'required',
  async handler(req, app) {
    const id = req.params.id!;
    checkPipelineId(id);
    const text = JSON.stringify(req.body);
    compilePipeline(id, req.body, Buffer.byteLength(text));
    if (req.query.if_version !== undefined) {
      const current = await pipelineText(app, id);
      const version = current === null ? undefined : (JSON.parse(current) as { version?: unknown }).version;
      if (current === null || version !== req.query.if_version) {
        throw errors.illegalArgument(
          current === null
            ? `version conflict, required version [${req.query.if_version}] for pipeline [${id}] but no pipeline was found`
            : `version conflict, required version [${req.query.if_version}] for pipeline [${id}] but current version is [${version ?? 'none'}]`,
        );
      }
    }
    await app.store.pipelines.put(id, text);
    return { body: { acknowledged: true } };
  },
};
