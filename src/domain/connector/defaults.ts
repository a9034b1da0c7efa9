/**
 * The connector document Elasticsearch 9.x builds on create (connector-api.md §3.2), and the
 * stored shape is `document.ts`. Create always builds a fresh document; PUT on an existing id replaces it.
 */
import { defaultFiltering } from './filtering.js';
import type { ConnectorDoc, Scheduling } from './document.js';

export const DEFAULT_INTERVAL = '0 0 0 * * ?';

export function defaultScheduling(): Scheduling {
  return {
    access_control: { enabled: false, interval: DEFAULT_INTERVAL },
    full: { enabled: false, interval: DEFAULT_INTERVAL },
    incremental: { enabled: false, interval: DEFAULT_INTERVAL },
  };
}

export interface CreateConnectorFields {
  description?: string | null;
  index_name?: string | null;
  is_native?: boolean | null;
  language?: string | null;
  name?: string | null;
  service_type?: string | null;
}

/** A fresh connector document in Elasticsearch's writer order; nulls omitted. */
export function newConnectorDoc(f: CreateConnectorFields, now: string): ConnectorDoc {
  const isNative = f.is_native ?? false;
  const doc: Record<string, unknown> = { configuration: {}, custom_scheduling: {} };
  if (f.description != null) doc.description = f.description;
  doc.filtering = [defaultFiltering(now)];
  if (f.index_name != null) doc.index_name = f.index_name;
  doc.is_native = isNative;
  if (f.language != null) doc.language = f.language;
  doc.name = f.name ?? '';
  doc.scheduling = defaultScheduling();
  if (f.service_type != null) doc.service_type = f.service_type;
  doc.status = isNative ? 'needs_configuration' : 'created';
  doc.sync_now = false;
  doc.deleted = false;
  return doc as ConnectorDoc;
}
