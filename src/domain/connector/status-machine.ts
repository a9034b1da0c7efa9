/**
 * The connector status state machine of Elasticsearch 9.x (connector-api.md §5.1). Only
 * `PUT _status` enforces it; other endpoints set status directly (§5.2).
 */
import { errors, ApiError } from '../errors.js';
import type { ConnectorStatus } from './enums.js';

const NEXT: Record<ConnectorStatus, readonly ConnectorStatus[]> = {
  created: ['needs_configuration', 'error'],
  needs_configuration: ['configured', 'error'],
  configured: ['needs_configuration', 'configured', 'connected', 'error'],
  connected: ['configured', 'connected', 'error'],
  error: ['configured', 'connected', 'error'],
};

export function isValidConnectorTransition(from: ConnectorStatus, to: ConnectorStatus): boolean {
  return NEXT[from]?.includes(to) ?? false;
}

export function assertConnectorTransition(from: ConnectorStatus, to: ConnectorStatus): void {
  if (isValidConnectorTransition(from, to)) return;
  const reason = `Invalid transition attempt from [${from}] to [${to}]. Such a status transition is not supported by the Connector Protocol.`;
  throw errors.status(reason, { type: 'connector_invalid_status_transition_exception', reason });
}

/** `_service_type`: stays `created` if created, otherwise `needs_configuration` (§5.2). */
export function statusAfterServiceTypeChange(current: ConnectorStatus): ConnectorStatus {
  return current === 'created' ? 'created' : 'needs_configuration';
}

/** `_native`: a connected connector becomes configured; other statuses are kept (§5.2). */
export function statusAfterNativeChange(current: ConnectorStatus): ConnectorStatus {
  return current === 'connected' ? 'configured' : current;
}

/** `_error`: non-empty error → `error`; null or "" → `connected` [9.x] (§5.2). */
export function statusAfterError(error: string | null): ConnectorStatus {
  return error === null || error === '' ? 'connected' : 'error';
}

export type { ApiError };
