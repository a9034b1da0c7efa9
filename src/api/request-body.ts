/**
 * An endpoint's declared body handling (`Endpoint.body`), checked by the server before the
 * handler runs, with Elasticsearch's answers: 400 `parse_exception` "request body is required"
 * when a required body is missing, and 400 `illegal_argument_exception` "request [METHOD path]
 * does not support having a body" (BaseRestHandler's check for unconsumed content) when an
 * endpoint that takes none gets one.
 */
import { errors } from '../domain/errors.js';
import type { Endpoint, EndpointRequest } from './endpoint.js';

export function checkBody(ep: Pick<Endpoint, 'method' | 'body'>, req: EndpointRequest): void {
  const want = ep.body ?? 'optional';
  if (want === 'required' && req.body === undefined) throw errors.badBody('request body is required');
  if (want === 'none' && req.body !== undefined) {
    throw errors.illegalArgument(`request [${ep.method} ${req.path}] does not support having a body`);
  }
}
