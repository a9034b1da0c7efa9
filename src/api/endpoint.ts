/**
 * What one REST endpoint is (architecture.md `api/`): its method, paths, accepted query
 * parameters, the Elasticsearch action name it is authorised as, and a short handler. The
 * registry (`api/registry.ts`) lists every endpoint; `api/server.ts` turns them into routes.
 */
import type { AppContext, IndexAccess, IndexRestrictions } from './app-context.js';

/** What an endpoint does with a request body (checked by the server, request-body.ts). */
export type BodyHandling = 'required' | 'none' | 'optional';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

/** Query parameter types, parsed strictly as Elasticsearch does (connector-api.md §1.6). */
export type ParamType = 'boolean' | 'int' | 'string' | 'list' | 'time';

export interface EndpointRequest {
  /** Path parameters, URL-decoded. */
  params: Record<string, string>;
  /** Query parameters, parsed by their declared types. Undeclared ones were rejected. */
  query: Record<string, unknown>;
  /** Parsed JSON body (undefined when none was sent); for ndjson endpoints, the raw text. */
  body: unknown;
  /**
   * Who the caller is, for what it owns (scrolls): the user name, and for an API key the key id
   * too (a key's scrolls are its own, as in Elasticsearch).
   */
  user?: string;
  /** Raw path as requested (for error messages). */
  path: string;
  /**
   * Index decisions for targets the endpoint's own check does not cover (bulk items, a
   * connector's `index_name`); null when security is off (everything allowed).
   */
  access: IndexAccess | null;
  /**
   * Document- and field-level security of the caller (reads of the embedded index filter by
   * it, api/content-index/restricted-read.ts); absent or null when security is off.
   */
  restrict?: IndexRestrictions | null;
}

export interface EndpointReply {
  status?: number;
  /** A JS value to serialise, or a pre-serialised JSON string (`raw: true`). */
  body?: unknown;
  raw?: boolean;
  headers?: Record<string, string>;
}

/** The reply of a `catchAll` endpoint for a path that is not its own (compared by identity). */
export const NO_ROUTE: EndpointReply = Object.freeze({});

export interface Endpoint {
  /** Spec name, e.g. `connector.put` (as in the REST API spec files). */
  name: string;
  method: HttpMethod;
  /** Fastify-style paths, e.g. `/_connector/:connector_id/_name`. */
  paths: string[];
  params?: Record<string, ParamType>;
  /** Elasticsearch action name checked by security, e.g. `cluster:admin/xpack/connector/put`. */
  action: string;
  /** The index a static-path endpoint works on (system indices), for index privileges. */
  index?: string;
  /** Authorized by action name only; the handler checks each target (`GuardedAction.composite`). */
  composite?: boolean;
  /**
   * Whether the request takes a body: `required` (400 `parse_exception` without one), `none`
   * (400 `illegal_argument_exception` with one) or `optional` (the default). The server checks
   * it before the handler (request-body.ts). Not for `catchAll` endpoints: the path may not be
   * theirs, which only their handler knows.
   */
  body?: BodyHandling;
  /** Body content is ndjson (e.g. `_bulk`): the handler receives the raw string. */
  ndjson?: boolean;
  /**
   * A pattern that takes any first segment (`/:index/_doc/:id`). Its handler answers
   * `NO_ROUTE` for a path that is not its own (`/_bogus/_doc/1`, or no content index here); the
   * server then answers as if this endpoint did not exist (405 naming the other endpoints'
   * methods for the path, or 400 `no_handler_found_exception`).
   */
  catchAll?: boolean;
  handler(req: EndpointRequest, app: AppContext): Promise<EndpointReply> | EndpointReply;
}
