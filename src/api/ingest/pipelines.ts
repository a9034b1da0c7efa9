/**
 * Ingest pipelines at the API (docs/embedded-index.md "Ingest pipelines"): the stored ones
 * (`store.pipelines`) over the defaults (domain/ingest/builtin.ts), compiled once per
 * definition (a small cache keyed by the definition's text), and run on documents with the
 * extraction threads as the `attachment` processor's extractor.
 */
import { ApiError, errors } from '../../domain/errors.js';
import { builtinPipelines } from '../../domain/ingest/builtin.js';
import type { IngestDoc, IngestEnv } from '../../domain/ingest/ingest-doc.js';
import { compilePipeline, type CompiledPipeline } from '../../domain/ingest/pipeline.js';
import { runPipeline } from '../../domain/ingest/run.js';
import { compileWildcard } from '../../domain/shared/wildcard.js';
import { ExtractionAborted } from '../../extraction/extract-pool.js';
import { extractBytes } from '../../extraction/extract-bytes.js';
import type { AppContext } from '../app-context.js';

const BUILTIN = builtinPipelines();
const BUILTIN_TEXT = new Map(Object.entries(BUILTIN).map(([id, body]) => [id, JSON.stringify(body)]));

/** Every pipeline's definition as JSON text by id, stored ones over the defaults. */
export async function pipelineTexts(app: AppContext): Promise<Map<string, string>> {
  const out = new Map(BUILTIN_TEXT);
  for (const p of await app.store.pipelines.list()) out.set(p.id, p.body);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One pipeline's definition as JSON text, or null when there is none. */
export async function pipelineText(app: AppContext, id: string): Promise<string | null> {
  return (await app.store.pipelines.get(id)) ?? BUILTIN_TEXT.get(id) ?? null;
}

/** The ids among `names` (a comma list with wildcards, `*` or `_all` for every one). */
export function selectIds(all: Iterable<string>, names: string): string[] {
  const patterns = names.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const matchers = patterns.map((p) => (p === '_all' ? () => true : compileWildcard(p)));
  return [...all].filter((id) => matchers.some((m) => m(id)));
}

export function isBuiltin(id: string): boolean {
  return BUILTIN_TEXT.has(id);
}

const compiled = new Map<string, CompiledPipeline>();
const CACHE_SIZE = 64;

function compileCached(id: string, text: string): CompiledPipeline {
  const key = `${id}\u0000${text}`;
  let p = compiled.get(key);
  if (!p) {
    p = compilePipeline(id, JSON.parse(text) as unknown);
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, p);
  }
  return p;
}

export function pipelineMissing(id: string): ApiError {
  return errors.illegalArgument(`pipeline with id [${id}] does not exist`);
}

/** The compiled pipeline `id`, or null when it does not exist. */
export async function loadPipeline(app: AppContext, id: string): Promise<CompiledPipeline | null> {
  const text = await pipelineText(app, id);
  if (text === null) return null;
  try {
    return compileCached(id, text);
  } catch (e) {
    // A definition stored by an older version that this one no longer accepts.
    throw errors.illegalArgument(`pipeline with id [${id}] cannot be run: ${(e as Error).message}`);
  }
}

/** The `attachment` processor's extractor: the extraction threads, failures as reasons. */
export const ingestEnv: IngestEnv = {
  async extract(bytes, maxChars) {
    try {
      return await extractBytes(bytes, { maxChars });
    } catch (e) {
      if (e instanceof ExtractionAborted) throw errors.illegalArgument(`attachment not extracted: ${e.message}`);
      throw errors.illegalArgument((e as Error).message || 'the attachment could not be read');
    }
  },
};

/** A document as a pipeline sees it; `_ingest.timestamp` is now. */
export function ingestDoc(source: Record<string, unknown>, index: string, id: string | undefined, now: string): IngestDoc {
  return { source, meta: { _index: index, _id: id ?? '' }, ingest: { timestamp: now } };
}

/** Runs `pipeline` on a source (changed in place); throws the failure as an ApiError. */
export async function applyPipeline(pipeline: CompiledPipeline, doc: IngestDoc): Promise<void> {
  await runPipeline(pipeline, doc, ingestEnv);
}

/** Pipelines named by one request, each loaded once. */
export class PipelineCache {
  private readonly loaded = new Map<string, Promise<CompiledPipeline | null>>();
  constructor(private readonly app: AppContext) {}
  get(id: string): Promise<CompiledPipeline | null> {
    let p = this.loaded.get(id);
    if (!p) this.loaded.set(id, (p = loadPipeline(this.app, id)));
    return p;
  }
}
