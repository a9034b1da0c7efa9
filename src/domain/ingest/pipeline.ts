/**
 * An ingest pipeline's definition (`PUT /_ingest/pipeline/<id>`), checked and compiled once
 * when it is stored or loaded: Elasticsearch's body (`description`, `processors`,
 * `on_failure`, `version`, `_meta`, `deprecated`), the processors of processor-types.ts, and
 * bounds on what a pipeline may hold (docs/embedded-index.md "Ingest pipelines").
 */
import { ApiError, errors } from '../errors.js';
import { isPlainObject } from '../shared/json.js';
import { compileCondition, type Condition } from './condition.js';
import type { Exec } from './ingest-doc.js';
import { configError, Options } from './options.js';
import { PROCESSORS } from './processor-types.js';

export const PIPELINE_LIMITS = {
  /** Bytes of a pipeline's JSON body. */
  maxBodyBytes: 256 * 1024,
  /** Processors in one pipeline, counting those of every `on_failure` list. */
  maxProcessors: 100,
  /** `on_failure` lists inside `on_failure` lists. */
  maxOnFailureDepth: 5,
  /** Characters of a pipeline id. */
  maxIdLength: 255,
};

export interface CompiledProcessor {
  type: string;
  tag?: string;
  condition?: Condition;
  ignoreFailure: boolean;
  onFailure?: CompiledProcessor[];
  exec: Exec;
}

export interface CompiledPipeline {
  id: string;
  processors: CompiledProcessor[];
  onFailure?: CompiledProcessor[];
}

/** Processor types Elasticsearch has and Tributary does not run: refused with that reason. */
const NOT_HERE = new Set([
  'bytes', 'circle', 'community_id', 'csv', 'date', 'date_index_name', 'dissect', 'dot_expander', 'drop', 'enrich', 'fail',
  'fingerprint', 'foreach', 'geo_grid', 'geoip', 'grok', 'html_strip', 'inference', 'ip_location', 'join', 'json', 'kv',
  'network_direction', 'pipeline', 'redact', 'registered_domain', 'reroute', 'sort', 'split', 'terminate', 'uri_parts',
  'urldecode', 'user_agent', 'normalize_for_stream',
]);

const COMMON = ['tag', 'description', 'if', 'ignore_failure', 'on_failure'];

/** A pipeline id Tributary accepts: non-empty, bounded, no wildcard, comma or whitespace. */
export function checkPipelineId(id: string): void {
  if (id === '' || id.length > PIPELINE_LIMITS.maxIdLength || /[*,\s]/.test(id) || id.startsWith('_')) {
    throw errors.illegalArgument(
      `invalid pipeline id [${id.slice(0, 300)}]: it must be 1 to ${PIPELINE_LIMITS.maxIdLength} characters, not start with [_], and hold no [*], [,] or whitespace`,
    );
  }
}

interface Budget {
  count: number;
}

function processorList(value: unknown, where: string, depth: number, budget: Budget): CompiledProcessor[] {
  if (!Array.isArray(value)) throw errors.badBody(`[${where}] property isn't a list, but of type [${value === null ? 'null' : typeof value}]`);
  return value.map((p) => processor(p, depth, budget));
}

function processor(value: unknown, depth: number, budget: Budget): CompiledProcessor {
  if (++budget.count > PIPELINE_LIMITS.maxProcessors) {
    throw errors.badBody(`a pipeline may hold at most ${PIPELINE_LIMITS.maxProcessors} processors (on_failure lists included)`);
  }
  if (!isPlainObject(value) || Object.keys(value).length !== 1) throw errors.badBody('a processor is an object with exactly one key, its type');
  const type = Object.keys(value)[0]!;
  const config = value[type];
  if (type === 'script') {
    throw configError('script', 'processor [script] is not supported: Tributary runs no scripts; use set, remove, rename, append, convert, gsub, lowercase, uppercase, trim or attachment');
  }
  const factory = Object.hasOwn(PROCESSORS, type) ? PROCESSORS[type] : undefined;
  if (!factory) {
    if (NOT_HERE.has(type)) {
      throw configError(type, `processor [${type}] is not supported by Tributary's embedded index; supported: ${Object.keys(PROCESSORS).join(', ')}`);
    }
    throw configError(type, `No processor type exists with name [${type.slice(0, 100)}]`);
  }
  if (!isPlainObject(config)) throw configError(type, `processor [${type}]: its configuration must be an object`);
  const tag = typeof config.tag === 'string' ? config.tag : undefined;
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!COMMON.includes(k)) own[k] = v;
  const o = new Options(type, own, tag);
  const exec = factory(o);
  o.done();
  const common = new Options(type, Object.fromEntries(Object.entries(config).filter(([k]) => COMMON.includes(k))), tag);
  common.string('tag');
  common.string('description');
  const ignoreFailure = common.bool('ignore_failure', false);
  const out: CompiledProcessor = { type, exec, ignoreFailure, ...(tag !== undefined ? { tag } : {}) };
  if (Object.hasOwn(config, 'if')) out.condition = compileCondition(common.raw('if'), type);
  if (Object.hasOwn(config, 'on_failure')) {
    const list = common.raw('on_failure');
    if (depth >= PIPELINE_LIMITS.maxOnFailureDepth) throw errors.badBody(`[on_failure] lists may be nested at most ${PIPELINE_LIMITS.maxOnFailureDepth} deep`);
    if (Array.isArray(list) && list.length === 0) throw configError(type, '[on_failure] processors list cannot be empty', 'on_failure', tag);
    out.onFailure = processorList(list, 'on_failure', depth + 1, budget);
  }
  return out;
}

/**
 * Checks a pipeline body and compiles it; throws 400 with Elasticsearch's reasons (and
 * Tributary's bounds). `bodyBytes`, when known, is the size of the JSON as received.
 */
export function compilePipeline(id: string, body: unknown, bodyBytes?: number): CompiledPipeline {
  if (!isPlainObject(body)) throw errors.badBody('a pipeline definition is a JSON object: {"description": …, "processors": […]}');
  const size = bodyBytes ?? Buffer.byteLength(JSON.stringify(body));
  if (size > PIPELINE_LIMITS.maxBodyBytes) {
    throw errors.badBody(`a pipeline's definition may take at most ${PIPELINE_LIMITS.maxBodyBytes} bytes, this one takes ${size}`);
  }
  const known = new Set(['description', 'processors', 'on_failure', 'version', '_meta', 'deprecated', 'created_date', 'modified_date', 'created_date_millis', 'modified_date_millis']);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length) throw errors.badBody(`pipeline [${id}] doesn't support one or more provided configuration parameters [${unknown.join(', ')}]`);
  if (body.description !== undefined && typeof body.description !== 'string') throw errors.badBody('[description] property isn\'t a string');
  if (body.version !== undefined && body.version !== null && !Number.isSafeInteger(body.version)) throw errors.badBody('[version] property isn\'t an integer');
  if (body._meta !== undefined && body._meta !== null && !isPlainObject(body._meta)) throw errors.badBody('[_meta] property isn\'t an object');
  if (body.processors === undefined) throw errors.badBody('[processors] required property is missing');
  const budget = { count: 0 };
  const processors = processorList(body.processors, 'processors', 0, budget);
  const out: CompiledPipeline = { id, processors };
  if (body.on_failure !== undefined) {
    if (Array.isArray(body.on_failure) && body.on_failure.length === 0) throw errors.badBody(`pipeline [${id}] cannot have an empty on-failure option defined`);
    out.onFailure = processorList(body.on_failure, 'on_failure', 1, budget);
  }
  return out;
}

/** Whether an error is one of a pipeline's definition (a 400 to show as it is). */
export function isDefinitionError(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 400;
}
