/**
 * The HTTP server (Fastify) with Elasticsearch's conventions: `x-elastic-product` on every
 * response, JSON and vendored `application/vnd.elasticsearch+json` / `+x-ndjson` bodies,
 * strict query parameters, `pretty` / `filter_path`, the error envelope, 405 for a known path
 * with the wrong method and 400 `no_handler_found_exception` for unknown paths.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, diskFullError, errors } from '../domain/errors.js';
import { MAX_NESTING_DEPTH, nestingDepthExceeds } from '../domain/shared/json.js';
import type { AppContext } from './app-context.js';
import { NO_ROUTE, type Endpoint, type EndpointReply, type EndpointRequest, type HttpMethod } from './endpoint.js';
import { parseQuery } from './query-params.js';
import { InFlightBytes, installRequestGuards, requestPrincipal } from './request-guard.js';
import { endpoints as allEndpoints } from './registry.js';
import { compileFilterPath } from './filter-path.js';
import { errorBody, errorHeaders } from './render.js';
import { checkBody } from './request-body.js';
import { UNKNOWN_ROUTE, type RouteRecorder } from './server-metrics.js';

export const DEFAULT_BODY_LIMIT = 100 * 1024 * 1024;

export interface ServerOptions {
  /** Largest accepted request body in bytes (413 above). */
  bodyLimit?: number;
  /**
   * Request body bytes in flight at once over the whole process (429
   * `circuit_breaking_exception` above); default twice `bodyLimit`, never below it.
   */
  inFlightBodyLimit?: number;
  logger?: boolean | object;
  https?: { cert: Buffer; key: Buffer } | null;
}

const JSON_TYPES = /^(application\/(json|vnd\.elasticsearch\+json|x-www-form-urlencoded)|text\/json)\b/i;
const NDJSON_TYPES = /^application\/(x-ndjson|vnd\.elasticsearch\+x-ndjson|json|vnd\.elasticsearch\+json)\b/i;
const PRODUCT = { 'x-elastic-product': 'Elasticsearch' };

/**
 * A route pattern for the 405 check. `strict`: non-empty parameters, a trailing slash is another
 * path (the router's own view). Lenient (for a `catchAll` endpoint's `NO_ROUTE`): empty
 * parameters and one trailing slash match, as the endpoint the path was meant for would.
 */
function pathRegex(path: string, strict: boolean): RegExp {
  const body = path.split('/').map((seg) => (seg.startsWith(':') ? (strict ? '[^/]+' : '[^/]*') : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(strict ? `^${body}$` : `^${body}/?$`);
}

interface RouteMatcher {
  method: HttpMethod;
  strict: RegExp;
  lenient: RegExp;
  catchAll: boolean;
}

/** The one allowed-methods function: the methods the server's endpoints answer for `path`. */
function allowedMethods(routes: RouteMatcher[], path: string, how: 'router' | 'without-catch-all'): HttpMethod[] {
  const hits = how === 'router' ? routes.filter((r) => r.strict.test(path)) : routes.filter((r) => !r.catchAll && r.lenient.test(path));
  return [...new Set(hits.map((r) => r.method))];
}

function methodNotAllowedBody(url: string, method: string, allowed: HttpMethod[]) {
  return { error: `Incorrect HTTP method for uri [${url}] and method [${method}], allowed: [${allowed.join(', ')}]`, status: 405 };
}

function methodNotAllowed(reply: FastifyReply, url: string, method: string, allowed: HttpMethod[]): FastifyReply {
  return send(reply, 405, methodNotAllowedBody(url, method, allowed), { allow: allowed.join(',') });
}

export function buildServer(app: AppContext, opts: ServerOptions = {}, endpoints: Endpoint[] = allEndpoints): FastifyInstance {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const inFlightLimit = opts.inFlightBodyLimit ?? 2 * bodyLimit;
  if (!(inFlightLimit >= bodyLimit)) {
    throw new Error(`the in-flight request body limit [${inFlightLimit}] must be at least the request body limit [${bodyLimit}]`);
  }
  const server = Fastify({
    logger: opts.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    // A trailing slash is not ignored: `/_connector/` must reach the empty-id checks of get and
    // delete (connector-api.md §6), see docs/compatibility.md.
    routerOptions: { maxParamLength: 4096 },
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // Router-level failures (bad percent-encoding, a path segment over maxParamLength) bypass
    // the error handler; without this they answered Fastify's own body with no product header.
    frameworkErrors: (err: { code?: string }, _req: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, errors.illegalArgument(
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'path parameter is longer than [4096] characters'
          : `invalid uri [${String(_req.raw.url ?? '').slice(0, 512)}]: bad percent-encoding`,
      )),
    ...(opts.https ? { https: opts.https } : {}),
  });

  // No pino child logger per request (measurable at bench:api rates); request-scoped log lines
  // carry the request id themselves.
  server.setChildLoggerFactory((logger) => logger);
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Authentication from the headers, then the in-flight body budget: both before any body byte is read.
  installRequestGuards(server, app, new InFlightBytes(inFlightLimit), bodyLimit);

  const routes: RouteMatcher[] = endpoints.flatMap((e) =>
    e.paths.map((p) => ({ method: e.method, strict: pathRegex(p, true), lenient: pathRegex(p, false), catchAll: e.catchAll === true })),
  );
  // A catch-all endpoint's handler said the path is not its own: answer as if it did not exist.
  const noRoute = (path: string, method: string): EndpointReply => {
    const allowed = allowedMethods(routes, path, 'without-catch-all');
    if (!allowed.length) throw errors.noHandler(`no handler found for uri [${path}] and method [${method}]`);
    return { status: 405, body: methodNotAllowedBody(path, method, allowed), headers: { allow: allowed.join(',') } };
  };

  for (const ep of endpoints) {
    // One recorder per endpoint, made here: a response costs one histogram observe and one counter increment.
    const config: RouteConfig = { metrics: app.metrics?.route(ep.name) };
    if (ep.catchAll && ep.body) throw new Error(`endpoint [${ep.name}]: a catch-all endpoint checks its body itself`);
    for (const url of ep.paths) {
      server.route({ method: ep.method, url, config, handler: (req, reply) => handle(app, ep, req, reply, noRoute) });
    }
  }
  if (app.metrics) {
    const unknown = app.metrics.route(UNKNOWN_ROUTE);
    server.addHook('onResponse', (req, reply, done) => {
      ((req.routeOptions.config as RouteConfig | undefined)?.metrics ?? unknown).record(reply.statusCode, reply.elapsedTime);
      done();
    });
  }

  server.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = allowedMethods(routes, path, 'router');
    // A path the router did not match but whose pattern allows this very method (a trailing or
    // doubled slash: `/_connector/c1/`) is not a method problem; a 405 naming it would contradict itself.
    if (allowed.length && !(allowed as string[]).includes(req.method)) return methodNotAllowed(reply, req.url, req.method, allowed);
    return sendError(reply, errors.noHandler(`no handler found for uri [${req.url}] and method [${req.method}]`));
  });

  server.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    const e = err as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, errors.tooLarge(`Request body is too large: the limit is [${bodyLimit}] bytes`));
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, errors.unsupportedMediaType(`Content-Type header [${req.headers['content-type']}] is not supported`));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendError(reply, errors.badBody(e.message));
    const full = diskFullError(err);
    if (full) {
      req.log.error({ reqId: req.id, code: e.code }, full.reason);
      return sendError(reply, full);
    }
    req.log.error({ err, reqId: req.id }, 'unhandled error');
    return sendError(reply, errors.internal('Internal error; see the server log'));
  });

  server.addHook('onClose', async () => {
    for (const close of [...app.closers].reverse()) await close();
  });
  return server;
}

function send(reply: FastifyReply, status: number, body: unknown, headers?: Record<string, string>): FastifyReply {
  // Header by header: no merged object per response. An endpoint's own content-type (the
  // Prometheus text of `/_tributary/metrics`) replaces the JSON one.
  reply.code(status).header('x-elastic-product', 'Elasticsearch').header('content-type', 'application/json; charset=UTF-8');
  if (headers) for (const name in headers) reply.header(name, headers[name]);
  return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
}

function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  return send(reply, e.status, errorBody(e), errorHeaders(e));
}

function parseBody(ep: Endpoint, req: FastifyRequest): unknown {
  const raw = req.body;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const ct = String(req.headers['content-type'] ?? 'application/json');
  if (ep.ndjson) {
    if (!NDJSON_TYPES.test(ct)) throw errors.unsupportedMediaType(`Content-Type header [${ct}] is not supported`);
    return raw;
  }
  if (!JSON_TYPES.test(ct)) throw errors.unsupportedMediaType(`Content-Type header [${ct}] is not supported`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw errors.parse(`Failed to parse request body: ${(err as Error).message}`);
  }
  // Deeply nested bodies (sync_cursor, snippet values) used to reach the store and fail there (500).
  if (nestingDepthExceeds(parsed)) {
    throw errors.parse(`Document nesting depth (${MAX_NESTING_DEPTH + 1}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`);
  }
  return parsed;
}

type NoRoute = (path: string, method: string) => EndpointReply;

/** Fastify route config of an endpoint's routes. */
interface RouteConfig {
  metrics?: RouteRecorder;
}

async function handle(app: AppContext, ep: Endpoint, req: FastifyRequest, reply: FastifyReply, noRoute: NoRoute): Promise<FastifyReply> {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const principal = requestPrincipal(req) ?? (await app.security.authenticate(req.headers, req.ip));
  const request: EndpointRequest = {
    params: req.params as Record<string, string>,
    query: parseQuery(path, q === -1 ? '' : url.slice(q + 1), ep.params),
    body: parseBody(ep, req),
    // A scroll is bound to who opened it; for an API key, to the key (as Elasticsearch), so
    // two keys of one owner (with different role queries) cannot continue each other's scrolls.
    user: principal.apiKeyId ? `${principal.username}\u0000api_key:${principal.apiKeyId}` : principal.username,
    path,
    access: null,
  };
  await app.security.authorize(principal, ep, request);
  if (app.security.enabled) {
    request.access = app.security.indexAccess(principal);
    request.restrict = app.security.indexRestrictions?.(principal) ?? null;
  }
  // Bounds checked before the handler runs: a refused filter_path changes nothing.
  const fp = request.query.filter_path as string[] | undefined;
  const filter = fp ? compileFilterPath(fp) : undefined;
  checkBody(ep, request);
  let out: EndpointReply = await ep.handler(request, app);
  if (out === NO_ROUTE) out = noRoute(path, ep.method);
  const status = out.status ?? 200;
  if (ep.method === 'HEAD') {
    return reply.code(status).headers({ ...PRODUCT, 'content-type': 'application/json; charset=UTF-8', ...(out.headers ?? {}) }).send();
  }
  const pretty = request.query.pretty === true;
  let body: unknown = out.body ?? {};
  // A reply with its own content type (the Prometheus text) is not JSON to reformat.
  if ((pretty || filter) && !out.headers?.['content-type']) {
    let value = out.raw ? JSON.parse(body as string) : body;
    if (filter) value = filter.apply(value);
    body = JSON.stringify(value, null, pretty ? 2 : undefined) + (pretty ? '\n' : '');
  }
  return send(reply, status, body, out.headers);
}
