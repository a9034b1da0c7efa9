/**
 * The pipelines present by default, as in Elasticsearch: `search-default-ingestion` and its
 * older name `ent-search-generic-ingestion`, which Elastic's connector service names in
 * `_bulk?pipeline=`. They act on the service's control fields: `_extract_binary_content`
 * (the base64 `_attachment` becomes text in `body`), `_reduce_whitespace` (runs of whitespace
 * in `body` become one space), `_run_ml_inference` (accepted, nothing to run); then the
 * control fields are removed. A failing step records why in `_ingestion_errors` and the
 * document is still indexed. `PUT /_ingest/pipeline/<id>` replaces one; deleting the
 * replacement brings the default back.
 */

const CONTROL_FIELDS = ['_attachment', '_attachment_indexed_chars', '_extracted_attachment', '_extract_binary_content', '_reduce_whitespace', '_run_ml_inference'];

const recordError = (step: string) => [
  {
    append: {
      description: 'Record error information',
      field: '_ingestion_errors',
      value: `Processor '${step}' in pipeline '{{ _ingest.on_failure_pipeline }}' failed with message '{{ _ingest.on_failure_message }}'`,
    },
  },
];

function connectorPipeline(description: string) {
  return {
    description,
    version: 1,
    _meta: { managed_by: 'Tributary', managed: true },
    processors: [
      {
        attachment: {
          description: "Extract text from binary attachments (when '_extract_binary_content' is true)",
          field: '_attachment',
          target_field: '_extracted_attachment',
          ignore_missing: true,
          indexed_chars_field: '_attachment_indexed_chars',
          if: 'ctx?._extract_binary_content == true',
          on_failure: recordError('attachment'),
          remove_binary: false,
        },
      },
      {
        set: {
          tag: 'set_body',
          description: "Set the extracted text on the 'body' field",
          field: 'body',
          copy_from: '_extracted_attachment.content',
          ignore_empty_value: true,
          if: 'ctx?._extract_binary_content == true',
          on_failure: recordError('set'),
        },
      },
      {
        gsub: {
          tag: 'remove_replacement_chars',
          description: "Remove unicode 'replacement' characters",
          field: 'body',
          pattern: '\ufffd',
          replacement: '',
          ignore_missing: true,
          if: 'ctx?._extract_binary_content == true',
          on_failure: recordError('gsub'),
        },
      },
      {
        gsub: {
          tag: 'remove_extra_whitespace',
          description: "Squish whitespace in 'body' (when '_reduce_whitespace' is true)",
          field: 'body',
          pattern: '\\s+',
          replacement: ' ',
          ignore_missing: true,
          if: 'ctx?._reduce_whitespace == true',
          on_failure: recordError('gsub'),
        },
      },
      {
        trim: {
          description: "Trim leading and trailing whitespace from 'body' (when '_reduce_whitespace' is true)",
          field: 'body',
          ignore_missing: true,
          if: 'ctx?._reduce_whitespace == true',
          on_failure: recordError('trim'),
        },
      },
      {
        remove: {
          tag: 'remove_meta_fields',
          description: 'Remove the control fields of the connector service',
          field: CONTROL_FIELDS,
          ignore_missing: true,
          on_failure: recordError('remove'),
        },
      },
    ],
  };
}

/** The default pipelines by id; fresh objects on each call (callers may change them). */
export function builtinPipelines(): Record<string, Record<string, unknown>> {
  return {
    'search-default-ingestion': connectorPipeline('Default ingest pipeline of connector content: binary extraction, whitespace reduction, control fields removed'),
    'ent-search-generic-ingestion': connectorPipeline('Generic ingest pipeline of connector content (the older name of search-default-ingestion)'),
  };
}

export const BUILTIN_PIPELINE_IDS = Object.keys(builtinPipelines());
