/**
 * The one registry of document formats whose text Tributary extracts (runtime.md "Content"):
 * every file-like source (directory, s3, google_cloud_storage, azure_blob_storage) and ingest
 * pipelines' `attachment` processor look formats up here, and detect.ts tells them apart by
 * content. Pure data and look-ups: no I/O.
 *
 * How a format is read:
 * - `text`: UTF-8 as it is (without a byte-order mark), streamed and cut at the character
 *   limit, on the caller's thread — cheap and bounded;
 * - `markup`: parsed in the extraction threads (extract-pool.ts), streamed in 64 KiB steps;
 * - `document`: read whole (at most the byte limit) and parsed in the extraction threads;
 *   sources read these only when the connector's pipeline has `extract_binary_content`.
 */

export type FormatId =
  | 'text' | 'markdown' | 'csv' | 'tsv' | 'json'
  | 'xml' | 'html'
  | 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'odp' | 'rtf' | 'eml';

export type Reading = 'text' | 'markup' | 'document';

export interface Format {
  id: FormatId;
  /** For messages and docs. */
  name: string;
  /** Lower-case, without the dot. */
  extensions: readonly string[];
  /** The `content_type` an attachment processor reports. */
  contentType: string;
  reading: Reading;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const ODF = 'application/vnd.oasis.opendocument';

export const FORMATS: readonly Format[] = [
  {
    id: 'text', name: 'plain text', reading: 'text', contentType: 'text/plain; charset=UTF-8',
    extensions: ['txt', 'text', 'log', 'rst', 'adoc', 'ini', 'toml', 'yaml', 'yml', 'py', 'rb', 'sh', 'js', 'ts'],
  },
  { id: 'markdown', name: 'Markdown', reading: 'text', contentType: 'text/markdown; charset=UTF-8', extensions: ['md', 'markdown', 'mdx'] },
  { id: 'csv', name: 'CSV', reading: 'text', contentType: 'text/csv; charset=UTF-8', extensions: ['csv'] },
  { id: 'tsv', name: 'TSV', reading: 'text', contentType: 'text/tab-separated-values; charset=UTF-8', extensions: ['tsv'] },
  { id: 'json', name: 'JSON', reading: 'text', contentType: 'application/json', extensions: ['json', 'ndjson', 'jsonl'] },
  { id: 'xml', name: 'XML', reading: 'markup', contentType: 'application/xml', extensions: ['xml'] },
  { id: 'html', name: 'HTML', reading: 'markup', contentType: 'text/html; charset=UTF-8', extensions: ['html', 'htm', 'xhtml'] },
  { id: 'pdf', name: 'PDF', reading: 'document', contentType: 'application/pdf', extensions: ['pdf'] },
  { id: 'docx', name: 'DOCX', reading: 'document', contentType: `${OOXML}.wordprocessingml.document`, extensions: ['docx', 'docm', 'dotx', 'dotm'] },
  { id: 'xlsx', name: 'XLSX', reading: 'document', contentType: `${OOXML}.spreadsheetml.sheet`, extensions: ['xlsx', 'xlsm', 'xltx', 'xltm'] },
  { id: 'pptx', name: 'PPTX', reading: 'document', contentType: `${OOXML}.presentationml.presentation`, extensions: ['pptx', 'pptm', 'potx', 'ppsx'] },
  { id: 'odt', name: 'ODT', reading: 'document', contentType: `${ODF}.text`, extensions: ['odt', 'ott'] },
  { id: 'ods', name: 'ODS', reading: 'document', contentType: `${ODF}.spreadsheet`, extensions: ['ods', 'ots'] },
  { id: 'odp', name: 'ODP', reading: 'document', contentType: `${ODF}.presentation`, extensions: ['odp', 'otp'] },
  { id: 'rtf', name: 'RTF', reading: 'document', contentType: 'application/rtf', extensions: ['rtf'] },
  { id: 'eml', name: 'EML', reading: 'document', contentType: 'message/rfc822', extensions: ['eml'] },
];

const BY_ID = new Map(FORMATS.map((f) => [f.id, f]));
const BY_EXTENSION = new Map(FORMATS.flatMap((f) => f.extensions.map((e) => [e, f] as const)));

export function formatById(id: FormatId): Format {
  return BY_ID.get(id)!;
}

/** The format an extension (lower or upper case, with or without the dot) names, or null. */
export function formatOfExtension(extension: string): Format | null {
  return BY_EXTENSION.get(extension.replace(/^\./, '').toLowerCase()) ?? null;
}

/** The formats read from ZIP packages (Office Open XML and OpenDocument). */
export const PACKAGE_FORMATS: ReadonlySet<FormatId> = new Set(['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp']);

/** "plain text, Markdown, CSV, …, RTF and EML": the formats read, for messages. */
export const FORMAT_NAMES = FORMATS.map((f) => f.name).join(', ').replace(/, ([^,]*)$/, ' and $1');
