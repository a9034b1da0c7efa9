/** Helpers shared by the connector secret endpoints (connector-api.md §8). */
import { errors } from '../../domain/errors.js';
import type { EndpointRequest } from '../endpoint.js';

export const ACTION = 'cluster:admin/xpack/connector/secret/';

export function secretNotFound(id: string) {
  return errors.notFound(`No secret with id [${id}]`);
}

/** The path id; empty (`/_connector/_secret/`) fails validation like Elasticsearch's request. */
export function secretId(req: EndpointRequest): string {
  const id = req.params.id ?? '';
  if (id === '') throw errors.validation(['[id] cannot be [null] or [""]']);
  return id;
}
