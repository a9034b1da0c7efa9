/**
 * The create-index body of a content index on an Elasticsearch / OpenSearch cluster (issue 8:
 * "index creation on first sync with sensible mappings and the connector's language
 * analyser"). Dynamic mapping stays on — sources add their own fields — but strings get the
 * language analyser plus a `.keyword` sub-field, and the fields the runtime relies on are
 * typed up front so the first document cannot guess them wrong.
 */
import { ACCESS_CONTROL_FIELD, ACCESS_CONTROL_MAPPING } from '../access-control-field.js';
import { ACCESS_CONTROL_INDEX_PREFIX } from '../../domain/connector/enums.js';
import { GENERATION_FIELD } from '../../domain/sync-job/document.js';
import { analyzerFor } from './language.js';


export interface IndexBody {
  settings?: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

export function indexBody(index: string, language: string | null | undefined, generationField = GENERATION_FIELD): IndexBody {
  // Identities (user:alice, group:eng) must not be stemmed, whatever the connector's language.
  const analyzer = index.startsWith(ACCESS_CONTROL_INDEX_PREFIX) ? 'standard' : analyzerFor(language);
  return {
    mappings: {
      dynamic: true,
      dynamic_templates: [
        {
          strings: {
            match_mapping_type: 'string',
            mapping: { type: 'text', analyzer, fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
          },
        },
      ],
      properties: {
        id: { type: 'keyword' },
        _timestamp: { type: 'date' },
        body: { type: 'text', analyzer },
        // Elastic's DLS field: search applications' role queries filter on `_allow_access_control.enum`.
        [ACCESS_CONTROL_FIELD]: ACCESS_CONTROL_MAPPING,
        _allow_permissions: { type: 'keyword' },
        [generationField]: { type: 'long' },
      },
    },
  };
}
