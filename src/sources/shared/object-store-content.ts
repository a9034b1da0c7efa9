/**
 * Which objects of the object-store sources (`s3`, `google_cloud_storage`) are downloaded for
 * their text: those whose extension names a format the shared extraction layer reads
 * (src/extraction/); PDF and DOCX only when the pipeline extracts binary content.
 */
import type { SyncContext } from '../source.js';

const TEXT = new Set(['txt', 'text', 'md', 'markdown', 'mdx', 'rst', 'adoc', 'csv', 'tsv', 'json', 'ndjson', 'jsonl', 'log', 'yaml', 'yml', 'xml', 'ini', 'toml', 'py', 'rb', 'sh', 'js', 'ts', 'html', 'htm', 'xhtml']);
const BINARY = new Set(['pdf', 'docx']);

/** Lower-case extension of the last path segment of a key ('' for none or a dot file). */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function wantsContent(key: string, ctx: SyncContext): boolean {
  const ext = extensionOf(key);
  if (TEXT.has(ext)) return true;
  return BINARY.has(ext) && (ctx.pipeline?.extract_binary_content ?? true);
}
