/**
 * Ingest pipelines on single-document writes (`PUT|POST /<index>/_doc[/<id>]`,
 * `/<index>/_create/<id>` with `?pipeline=`, else the index's `index.default_pipeline`): the
 * source is run through the pipeline before it is written. A missing pipeline is 400 `illegal_argument_exception` ("pipeline with id
 * [x] does not exist"); a failing processor is its 400 error; nothing is written then.
 */
import { isPlainObject } from '../../domain/shared/json.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { AppContext } from '../app-context.js';
import type { EndpointRequest } from '../endpoint.js';
import { applyPipeline, ingestDoc, loadPipeline, pipelineMissing } from './pipelines.js';

/** The source to write: the body, through `?pipeline=` when one is named. */
export async function pipelineSource(req: EndpointRequest, app: AppContext, ci: ContentIndex, index: string, id: string | undefined): Promise<unknown> {
  const name = (req.query.pipeline as string | undefined) ?? ci.defaultPipeline(index);
  if (name === undefined || name === '_none' || !isPlainObject(req.body)) return req.body;
  const pipeline = await loadPipeline(app, name);
  if (!pipeline) throw pipelineMissing(name);
  const doc = ingestDoc(req.body, index, id, app.clock.now());
  await applyPipeline(pipeline, doc);
  return doc.source;
}
