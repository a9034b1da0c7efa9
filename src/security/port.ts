/**
 * The security port: what the HTTP server asks of authentication and authorization, and the
 * open implementation used when security is off. `security.ts` is the real one; the
 * composition module (`src/app/`) picks which one a process gets.
 */

import type { Restriction } from './document-security.js';

export type { Restriction };

/** What security needs to know about the endpoint being called (an api `Endpoint` is one). */
export interface GuardedAction {
  name: string;
  method: string;
  /** Elasticsearch action name, e.g. `cluster:admin/xpack/connector/put`. */
  action: string;
  /** The index a static-path endpoint works on (system indices). */
  index?: string;
  /**
   * A multi-target request (`_bulk`): authorized by the action name alone (the caller holds it
   * on some index, as Elasticsearch does for composite actions); the handler then authorizes
   * every target it reaches through `IndexAccess`.
   */
  composite?: boolean;
}

/**
 * Decides an index action on one index for the authenticated caller: null when allowed, else
 * Elasticsearch's 403 reason. Endpoints use it for targets the route's own check cannot see:
 * the items of a `_bulk` body, the index a connector will sync into.
 */
export type IndexAccess = (action: string, index: string) => string | null;

/**
 * Document- and field-level security of the caller on one index for one read action: the
 * filter its reads get and the fields it may see, or null when unrestricted. Throws a 400 when
 * a templated role query renders to no valid query for the caller (never reads unfiltered).
 */
export type IndexRestrictions = (action: string, index: string) => Restriction | null;

/** What security needs to know about the request (an api `EndpointRequest` is one). */
export interface GuardedRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  path: string;
  user?: string;
}

export interface Principal {
  username: string;
  roles: string[];
  /** How the caller authenticated. */
  realm: 'basic' | 'api_key' | 'anonymous';
  /** API key id, when `realm` is `api_key`. */
  apiKeyId?: string;
  [key: string]: unknown;
}

/**
 * Security port. With security off, `authenticate` returns an anonymous superuser and
 * `authorize` allows everything.
 */
export interface SecurityPort {
  readonly enabled: boolean;
  /** Returns the principal, or throws 401 `security_exception`. */
  authenticate(headers: Record<string, string | string[] | undefined>, remoteAddress: string): Promise<Principal>;
  /**
   * Throws the 401 for a principal whose credentials were refused (`path` goes in the reason).
   * The server calls it from the request headers alone, before reading the body.
   */
  rejectUnauthenticated?(principal: Principal, path: string): void;
  /**
   * True when the principal `authorize` saw for `req` may also run `action` (absent with
   * security off: everything is allowed).
   */
  allows?(req: GuardedRequest, action: string): boolean;
  /** Throws 403 `security_exception` when `principal` may not run `endpoint`. */
  authorize(principal: Principal, endpoint: GuardedAction, req: GuardedRequest): Promise<void>;
  /** Index decisions for `principal` (authenticated and authorized for the endpoint already). */
  indexAccess(principal: Principal): IndexAccess;
  /** Document- and field-level security for `principal` (absent with security off: none). */
  indexRestrictions?(principal: Principal): IndexRestrictions;
}

export const openSecurity: SecurityPort = {
  enabled: false,
  async authenticate() {
    return { username: '_anonymous', roles: ['superuser'], realm: 'anonymous' };
  },
  async authorize() {},
  indexAccess: () => () => null,
};
