/**
 * Ingest pipelines on `_bulk` (`?pipeline=` for the request, `pipeline` on an action line for
 * one item, else the index's `index.default_pipeline`; `_none` for none): each `index` / `create` item's source is run through its
 * pipeline before the bulk is written. A missing pipeline or a failing processor fails that
 * item alone (`item.failure`), as in Elasticsearch; the others are written. Items the
 * caller may not write are left for the bulk's own check, and run no pipeline (no
 * extraction work for refused items). At most PIPELINE_CONCURRENCY items run at once (the
 * extraction threads bound the heavy part further).
 */
import { ApiError } from '../../domain/errors.js';
import { itemSource, type BulkGuard, type BulkItem } from '../../content-index/bulk.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { AppContext } from '../app-context.js';
import { applyPipeline, ingestDoc, pipelineMissing, PipelineCache } from './pipelines.js';

export const PIPELINE_CONCURRENCY = 4;

/**
 * The pipeline each item runs, if any: its action line's, else the request's, else its
 * index's `index.default_pipeline` (looked up once per index).
 */
function pipelineResolver(ci: ContentIndex, requestPipeline: string | undefined): (item: BulkItem) => string | undefined {
  const defaults = new Map<string, string | undefined>();
  return (item) => {
    if (item.action !== 'index' && item.action !== 'create') return undefined;
    let id = item.pipeline ?? requestPipeline;
    if (id === undefined) {
      if (!defaults.has(item.index)) defaults.set(item.index, ci.defaultPipeline(item.index));
      id = defaults.get(item.index);
    }
    return id === undefined || id === '_none' ? undefined : id;
  };
}

/** Runs the items' pipelines, replacing their sources or setting their failures. */
export async function runBulkPipelines(app: AppContext, ci: ContentIndex, items: BulkItem[], requestPipeline: string | undefined, guard?: BulkGuard): Promise<void> {
  const pipelineOf = pipelineResolver(ci, requestPipeline);
  const todo = items.filter((i) => pipelineOf(i) !== undefined);
  if (todo.length === 0) return;
  const cache = new PipelineCache(app);
  const now = app.clock.now();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const item = todo[next++]!;
      if (guard?.(item, ci.exists(item.index))) continue;
      const id = pipelineOf(item)!;
      try {
        const pipeline = await cache.get(id);
        if (!pipeline) throw pipelineMissing(id);
        let source: Record<string, unknown>;
        try {
          source = itemSource(item);
        } catch {
          continue; // a broken source line fails its item when the bulk parses it
        }
        const doc = ingestDoc(source, item.index, item.id, now);
        await applyPipeline(pipeline, doc);
        item.source = doc.source;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        item.failure = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PIPELINE_CONCURRENCY, todo.length) }, worker));
}
