/**
 * Connector and sync job documents as the caller may see them (issue 11 item 16): sensitive
 * configuration values in plain text for callers who may write the configuration
 * (`manage_connector`), without their `value` for everyone else (docs/api.md).
 */
import { presentJson, type Shape } from '../security/sensitive-config.js';
import type { AppContext } from './app-context.js';
import type { EndpointRequest } from './endpoint.js';

/** Who may write a configuration may read its sensitive values. */
export const REVEAL_ACTION = 'cluster:admin/xpack/connector/update_configuration';

export function presentForCaller(app: AppContext, req: EndpointRequest, shape: Shape, json: string): string {
  const reveal = app.security.allows ? app.security.allows(req, REVEAL_ACTION) : true;
  return presentJson(app.secretCodec, shape, json, reveal);
}
