/**
 * `POST|PUT /_security/api_key` — create an API key for the caller (issue 4): `name`,
 * `expiration` (`1d`, `12h`…), `role_descriptors` limiting the caller's own privileges,
 * `metadata`. Answers `{id, name, expiration?, api_key, encoded}` as Elasticsearch does.
 */
import { errors } from '../../domain/errors.js';
import { object, parseStrict, str } from '../../domain/shared/parse.js';
import { parseTimeValue } from '../../domain/shared/time-value.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import type { CreateApiKeyRequest } from '../../security/admin-port.js';
import { apiKeyAdmin } from '../../security/admin-port.js';

export const API_KEY_ACTION = 'cluster:admin/xpack/security/api_key/';

export function parseCreateApiKey(body: unknown): CreateApiKeyRequest {
  const r = parseStrict('api_key_request', body, {
    name: { parse: str },
    expiration: { parse: str, nullable: true },
    role_descriptors: { parse: object, nullable: true },
    metadata: { parse: object, nullable: true },
  });
  const problems: string[] = [];
  const name = (r.name as string | undefined) ?? '';
  if (!name.trim()) problems.push('api key name is required');
  else if (name.length > 1024) problems.push('api key name may not be more than [1024] characters long');
  else if (name.startsWith('_')) problems.push('api key name may not begin with an underscore');
  const metadata = (r.metadata ?? {}) as Record<string, unknown>;
  if (Object.keys(metadata).some((k) => k.startsWith('_'))) problems.push('API key metadata keys may not start with [_]');
  if (problems.length) throw errors.validation(problems);
  let expirationMs: number | undefined;
  if (typeof r.expiration === 'string') {
    try {
      expirationMs = parseTimeValue(r.expiration, 'expiration');
    } catch (e) {
      throw errors.parse('[api_key_request] failed to parse field [expiration]', { type: 'illegal_argument_exception', reason: (e as Error).message });
    }
  }
  return { name, expirationMs, role_descriptors: (r.role_descriptors ?? {}) as Record<string, unknown>, metadata };
}

async function create(req: EndpointRequest, app: Parameters<Endpoint['handler']>[1]) {
  const { admin, principal } = apiKeyAdmin(app, req);
  return { body: await admin.create(principal, parseCreateApiKey(req.body)) };
}

export const createApiKey: Endpoint = {
  name: 'security.create_api_key',
  method: 'POST',
  paths: ['/_security/api_key'],
  params: { refresh: 'string' },
  action: API_KEY_ACTION + 'create',
  body: 'required',
  handler: create,
};

export const createApiKeyPut: Endpoint = { ...createApiKey, method: 'PUT' };
