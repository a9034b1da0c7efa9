/**
 * What happens to a request before its body is read (issue 11 item 10):
 *
 * - `onRequest`: authentication from the headers alone. A request whose credentials are
 *   missing or wrong is answered 401 (or 429) here, so its body is never read or parsed;
 *   with security on this holds for every path, unknown ones included (as Elasticsearch
 *   authenticates in its HTTP layer before dispatching).
 * - `preParsing`: the in-flight body budget, Elasticsearch's `in_flight_requests` circuit
 *   breaker. The bytes of every request body being received or handled count against one
 *   process-wide limit until the response is sent; a body that would exceed it is refused at
 *   once with 429 `circuit_breaking_exception` (clients retry 429 with back-off). A declared
 *   `Content-Length` is reserved whole before reading; a chunked body is counted as it arrives.
 *   Each body still honours `bodyLimit` (413).
 */
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../domain/errors.js';
import type { AppContext, Principal } from './app-context.js';
import { UI_ROUTES } from './ui/static-ui.js';

/** Process-wide count of request body bytes in flight. */
export class InFlightBytes {
  private usedBytes = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Adds `n` bytes, or throws the 429 breaker error when they do not fit. */
  reserve(n: number): void {
    if (this.usedBytes + n > this.limit) throw errors.inFlightBreaker(this.usedBytes + n, this.limit);
    this.usedBytes += n;
  }

  release(n: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - n);
  }
}

/**
 * Whether the router matched one of the web UI's own routes (static-ui.ts): decided by the
 * route, not the path, so an API endpoint reached through a `/_ui/...` path (`POST
 * /_ui/_search` is the search endpoint on an index named `_ui`) is still authenticated.
 */
function isUiRoute(req: FastifyRequest): boolean {
  return UI_ROUTES.has(req.routeOptions.url ?? '');
}

const principals = new WeakMap<FastifyRequest, Principal>();
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

/** The principal `onRequest` authenticated for this request. */
export function requestPrincipal(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

function pathOf(req: FastifyRequest): string {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function installRequestGuards(server: FastifyInstance, app: AppContext, budget: InFlightBytes, bodyLimit: number): void {
  server.addHook('onRequest', async (req) => {
    // The web UI's files are public; every API call the UI then makes is authenticated here.
    if (isUiRoute(req)) return;
    const principal = await app.security.authenticate(req.headers, req.ip);
    app.security.rejectUnauthenticated?.(principal, pathOf(req));
    principals.set(req, principal);
  });

  server.addHook('preParsing', async (req, reply, payload) => {
    if (BODYLESS.has(req.method)) return payload;
    const declared = req.headers['content-length'] === undefined ? NaN : Number(req.headers['content-length']);
    // Empty, or over the per-request limit (Fastify answers 413 without reading it).
    if (declared === 0 || declared > bodyLimit) return payload;
    let held = 0;
    reply.raw.once('close', () => {
      budget.release(held);
      held = 0;
    });
    if (!Number.isNaN(declared)) {
      budget.reserve(declared);
      held = declared;
      return payload;
    }
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        try {
          budget.reserve(chunk.length);
        } catch (e) {
          done(e as Error);
          return;
        }
        held += chunk.length;
        done(null, chunk);
      },
    });
    return pipeline(payload, counted, () => {});
  });
}
