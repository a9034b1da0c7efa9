/**
 * Which document a ZIP package is, from its entries (detect.ts reports every ZIP as `zip`):
 *
 * - OpenDocument: the `mimetype` entry (`application/vnd.oasis.opendocument.text`, `…spreadsheet`,
 *   `…presentation`, and their templates), else the root entry of `META-INF/manifest.xml`;
 * - Office Open XML: `[Content_Types].xml` and the main part that `_rels/.rels` names
 *   (officeDocument relationship), classified by the main part's content type (WordprocessingML,
 *   SpreadsheetML, PresentationML, macro-enabled and template variants too), else by its folder
 *   (`word/`, `xl/`, `ppt/`).
 *
 * Also the relationship reading that the Office extractors use (office-text.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { xmlParser, type XmlHandler } from './extract-text.js';
import type { FormatId } from './formats.js';
import type { TextSink } from './text-sink.js';
import type { ZipPackage } from './zip.js';

export type PackageFormat = 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'odp';

export interface PackageKind {
  format: PackageFormat;
  /** The Office main part (e.g. `word/document.xml`); `content.xml` for OpenDocument. */
  main: string;
}

/**
 * Parses an entry's XML as it inflates, stopping once `sink` (when given) is full. Throws
 * ZipRefused (zip.ts) past the archive's limits.
 */
export async function parseEntry(zip: ZipPackage, name: string, handler: XmlHandler, sink?: TextSink): Promise<void> {
  const parser = xmlParser(handler);
  const decoder = new StringDecoder('utf8');
  await zip.read(name, (chunk) => {
    parser.write(decoder.write(chunk));
    return sink?.full === true;
  });
  if (!sink?.full) parser.write(decoder.end());
  parser.end();
}

export interface Relationship {
  id: string;
  /** The type URI's last segment: `officeDocument`, `worksheet`, `sharedStrings`, `slide`, … */
  type: string;
  /** The target part's path in the archive. */
  target: string;
}

function folderOf(part: string): string {
  return part.slice(0, part.lastIndexOf('/') + 1);
}

/** A relationship target resolved against the folder of its source part (OPC part names). */
export function resolvePart(folder: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : folder + target;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/** An attribute by local name (`r:id` → `id` in any prefix). */
export function attr(attrs: Record<string, string>, name: string): string | undefined {
  if (name in attrs) return attrs[name];
  for (const k of Object.keys(attrs)) if (k.endsWith(':' + name)) return attrs[k];
  return undefined;
}

/** The relationship id an element refers to (`r:id`, whatever the prefix; not a plain `id`). */
export function relationshipId(attrs: Record<string, string>): string | undefined {
  for (const k of Object.keys(attrs)) if (k.endsWith(':id')) return attrs[k];
  return undefined;
}

/** The relationships of a part ('' for the package's own), internal targets only. */
export async function relationships(zip: ZipPackage, part: string): Promise<Relationship[]> {
  const slash = part.lastIndexOf('/') + 1;
  const relsName = part === '' ? '_rels/.rels' : `${part.slice(0, slash)}_rels/${part.slice(slash)}.rels`;
  const xml = await zip.text(relsName);
  const rels: Relationship[] = [];
  const parser = xmlParser({
    open(name, a) {
      if (name !== 'Relationship' || !a.Id || !a.Target || a.TargetMode === 'External') return;
      rels.push({ id: a.Id, type: (a.Type ?? '').slice((a.Type ?? '').lastIndexOf('/') + 1), target: resolvePart(folderOf(part), a.Target) });
    },
  });
  parser.end(xml);
  return rels;
}

const ODF: [string, PackageFormat][] = [
  ['application/vnd.oasis.opendocument.text', 'odt'],
  ['application/vnd.oasis.opendocument.spreadsheet', 'ods'],
  ['application/vnd.oasis.opendocument.presentation', 'odp'],
];

function odfFormat(mediaType: string): PackageFormat | null {
  const m = mediaType.trim();
  return ODF.find(([prefix]) => m.startsWith(prefix))?.[1] ?? null;
}

async function manifestMediaType(zip: ZipPackage): Promise<string> {
  let type = '';
  const parser = xmlParser({
    open(name, a) {
      if (name === 'file-entry' && attr(a, 'full-path') === '/') type = attr(a, 'media-type') ?? '';
    },
  });
  parser.end(await zip.text('META-INF/manifest.xml'));
  return type;
}

function officeFormat(contentType: string, main: string): PackageFormat | null {
  if (/wordprocessingml|ms-word/.test(contentType)) return 'docx';
  if (/spreadsheetml|ms-excel/.test(contentType)) return 'xlsx';
  if (/presentationml|ms-powerpoint/.test(contentType)) return 'pptx';
  if (main.startsWith('word/')) return 'docx';
  if (main.startsWith('xl/')) return 'xlsx';
  if (main.startsWith('ppt/')) return 'pptx';
  return null;
}

/**
 * The package's format and main part, or null when it is neither an OpenDocument nor an Office
 * Open XML document. `hint` (the extension's format) only settles an OpenDocument package that
 * names no type.
 */
export async function packageFormat(zip: ZipPackage, hint: FormatId | null): Promise<PackageKind | null> {
  if (zip.has('mimetype') || zip.has('META-INF/manifest.xml')) {
    const format = odfFormat(zip.has('mimetype') ? await zip.text('mimetype', 1024) : await manifestMediaType(zip));
    if (format) return { format, main: 'content.xml' };
    if (zip.has('content.xml') && (hint === 'odt' || hint === 'ods' || hint === 'odp')) return { format: hint, main: 'content.xml' };
  }
  if (zip.has('[Content_Types].xml')) {
    const main = (await relationships(zip, '')).find((r) => r.type === 'officeDocument')?.target;
    if (!main || !zip.has(main)) return null;
    let contentType = '';
    const parser = xmlParser({
      open(name, a) {
        if (name === 'Override' && resolvePart('', a.PartName ?? '') === main) contentType = a.ContentType ?? '';
      },
    });
    parser.end(await zip.text('[Content_Types].xml'));
    const format = officeFormat(contentType, main);
    return format ? { format, main } : null;
  }
  return null;
}
