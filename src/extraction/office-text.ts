/**
 * Text of the package formats, in the extraction threads: each XML part is parsed as it
 * inflates from the bounded ZIP reader (zip.ts) with htmlparser2 in xmlMode, one pass, and
 * reading stops once the character limit is reached.
 *
 * - DOCX: the main document, then footnotes and endnotes: run text (`w:t`), tabs and breaks;
 *   one line per paragraph. Deleted text and field instructions are not text.
 * - XLSX: each sheet in workbook order, its name on a line, then one line per row with its
 *   cells' values apart by tabs — shared strings, inline strings, numbers as stored, booleans
 *   as TRUE/FALSE. Shared strings beyond the character limit (or past a million) read as empty.
 * - PPTX: each slide in presentation order, one line per paragraph, a blank line between slides.
 * - ODT/ODS/ODP: `content.xml`: paragraphs and headings, spaces (`text:s`), tabs and breaks;
 *   table rows one per line, cells apart by tabs (ODS: each sheet's name first); one slide
 *   after another. Tracked deletions, annotations and speaker notes are left out.
 */
import type { FormatId } from './formats.js';
import { attr, packageFormat, parseEntry, relationshipId, relationships, type PackageFormat } from './package-format.js';
import { TextSink, type Extracted } from './text-sink.js';
import { ZipPackage, ZipRefused, type ZipLimits } from './zip.js';

const MAX_SHARED_STRINGS = 1_000_000;
/** Most spaces one `text:s` element stands for. */
const MAX_SPACES = 64;

/** A bounded buffer for the text of one cell or shared string. */
class Cell {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly max: number) {}
  add(s: string): void {
    if (this.length >= this.max) return;
    this.parts.push(s);
    this.length += s.length;
  }
  take(): string {
    const s = this.parts.join('').slice(0, this.max);
    this.parts = [];
    this.length = 0;
    return s;
  }
}

/** Appends cells of a row apart by tabs, empty cells skipped; a row with content ends a line. */
class Rows {
  private cells = 0;
  constructor(private readonly sink: TextSink) {}
  cell(value: string): void {
    if (value === '') return;
    if (this.cells++ > 0) this.sink.add('\t');
    this.sink.add(value);
  }
  end(): void {
    if (this.cells > 0) this.sink.add('\n');
    this.cells = 0;
  }
}

async function wordText(zip: ZipPackage, main: string, sink: TextSink): Promise<void> {
  const notes = (await relationships(zip, main)).filter((r) => r.type === 'footnotes' || r.type === 'endnotes');
  for (const part of [main, ...notes.map((r) => r.target)]) {
    let inText = 0;
    let inRun = 0;
    await parseEntry(zip, part, {
      open(name) {
        if (name === 't') inText++;
        else if (name === 'r') inRun++;
        else if (inRun > 0 && name === 'tab') sink.add('\t');
        else if (inRun > 0 && (name === 'br' || name === 'cr')) sink.add('\n');
      },
      close(name) {
        if (name === 't') inText--;
        else if (name === 'r') inRun--;
        else if (name === 'p') sink.add('\n');
      },
      text(t) {
        if (inText > 0) sink.add(t);
      },
    }, sink);
    if (sink.full) return;
  }
}

async function sharedStrings(zip: ZipPackage, part: string | undefined, maxChars: number): Promise<string[]> {
  const strings: string[] = [];
  if (!part) return strings;
  let kept = 0;
  let inText = 0;
  let phonetic = 0;
  const cell = new Cell(maxChars);
  await parseEntry(zip, part, {
    open(name) {
      if (name === 't') inText++;
      else if (name === 'rPh') phonetic++;
    },
    close(name) {
      if (name === 't') inText--;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && strings.length < MAX_SHARED_STRINGS) {
        const s = kept < maxChars ? cell.take() : (cell.take(), '');
        kept += s.length;
        strings.push(s);
      }
    },
    text(t) {
      if (inText > 0 && phonetic === 0) cell.add(t);
    },
  });
  return strings;
}

async function sheetText(zip: ZipPackage, part: string, strings: string[], sink: TextSink, maxChars: number): Promise<void> {
  const rows = new Rows(sink);
  const value = new Cell(maxChars);
  let type = 'n';
  let inValue = 0;
  let inInline = 0;
  await parseEntry(zip, part, {
    open(name, a) {
      if (name === 'c') type = a.t ?? 'n';
      else if (name === 'v') inValue++;
      else if (name === 'is') inInline++;
    },
    close(name) {
      if (name === 'v') inValue--;
      else if (name === 'is') inInline--;
      else if (name === 'row') rows.end();
      else if (name === 'c') {
        const v = value.take();
        rows.cell(type === 's' ? (strings[Number(v)] ?? '') : type === 'b' ? (v === '1' ? 'TRUE' : 'FALSE') : v.trim());
      }
    },
    text(t) {
      if (inValue > 0 || inInline > 0) value.add(t);
    },
  }, sink);
}

async function workbookText(zip: ZipPackage, main: string, sink: TextSink, maxChars: number): Promise<void> {
  const rels = await relationships(zip, main);
  const sheets: { name: string; id: string }[] = [];
  await parseEntry(zip, main, {
    open(name, a) {
      const id = relationshipId(a);
      if (name === 'sheet' && id) sheets.push({ name: a.name ?? '', id });
    },
  });
  const strings = await sharedStrings(zip, rels.find((r) => r.type === 'sharedStrings')?.target, maxChars);
  for (const sheet of sheets) {
    const part = rels.find((r) => r.id === sheet.id && r.type === 'worksheet')?.target;
    if (!part) continue;
    sink.newline();
    if (sheet.name) sink.add(`${sheet.name}\n`);
    await sheetText(zip, part, strings, sink, maxChars);
    if (sink.full) return;
  }
}

async function presentationText(zip: ZipPackage, main: string, sink: TextSink): Promise<void> {
  const rels = await relationships(zip, main);
  const order: string[] = [];
  await parseEntry(zip, main, {
    open(name, a) {
      const id = relationshipId(a);
      if (name === 'sldId' && id) order.push(id);
    },
  });
  for (const id of order) {
    const part = rels.find((r) => r.id === id && r.type === 'slide')?.target;
    if (!part) continue;
    sink.newline();
    sink.add('\n');
    let inText = 0;
    await parseEntry(zip, part, {
      open(name) {
        if (name === 't') inText++;
        else if (name === 'br') sink.add('\n');
      },
      close(name) {
        if (name === 't') inText--;
        else if (name === 'p') sink.newline();
      },
      text(t) {
        if (inText > 0) sink.add(t);
      },
    }, sink);
    if (sink.full) return;
  }
}

/** OpenDocument elements whose text is not the document's. */
const ODF_SKIPPED = new Set(['tracked-changes', 'annotation', 'notes']);

async function openDocumentText(zip: ZipPackage, format: PackageFormat, sink: TextSink, maxChars: number): Promise<void> {
  const rows = new Rows(sink);
  const cell = new Cell(maxChars);
  let skipped = 0;
  let inCell = 0;
  const out = (s: string) => (inCell > 0 ? cell.add(s) : sink.add(s));
  await parseEntry(zip, 'content.xml', {
    open(name, a) {
      if (skipped > 0 || ODF_SKIPPED.has(name)) skipped++;
      else if (name === 'table-cell' || name === 'covered-table-cell') inCell++;
      else if (name === 's') out(' '.repeat(Math.max(1, Math.min(MAX_SPACES, Number(attr(a, 'c') ?? 1) || 1))));
      else if (name === 'tab') out('\t');
      else if (name === 'line-break') out('\n');
      else if (name === 'table' && format === 'ods') {
        sink.newline();
        const sheet = attr(a, 'name');
        if (sheet) sink.add(`${sheet}\n`);
      }
    },
    close(name) {
      if (skipped > 0) skipped--;
      else if (name === 'table-cell' || name === 'covered-table-cell') {
        inCell--;
        if (inCell === 0) rows.cell(cell.take().trim());
      } else if (name === 'table-row') rows.end();
      else if (name === 'p' || name === 'h') out(inCell > 0 ? ' ' : '\n');
      else if (name === 'page') sink.add('\n');
    },
    text(t) {
      if (skipped === 0) out(t);
    },
  }, sink);
}

/**
 * The text of an Office Open XML or OpenDocument package, and which of them it is (read from
 * its entries, package-format.ts; `hint` is the extension's format). Throws ZipRefused when
 * it is another kind of ZIP or over a ZIP limit, and the ZIP reader's error when corrupt.
 */
export async function packageText(bytes: Uint8Array, hint: FormatId | null, maxChars: number, limits?: ZipLimits): Promise<Extracted & { format: FormatId }> {
  const zip = await ZipPackage.open(bytes, limits);
  try {
    const kind = await packageFormat(zip, hint);
    if (!kind) {
      throw new ZipRefused('it is a ZIP archive but not a DOCX, XLSX, PPTX, ODT, ODS or ODP document (no OpenDocument mimetype, no Office main part)');
    }
    const sink = new TextSink(maxChars);
    if (kind.format === 'docx') await wordText(zip, kind.main, sink);
    else if (kind.format === 'xlsx') await workbookText(zip, kind.main, sink, maxChars);
    else if (kind.format === 'pptx') await presentationText(zip, kind.main, sink);
    else await openDocumentText(zip, kind.format, sink, maxChars);
    const { text, truncated } = sink.result();
    return { text: text.trim(), truncated, format: kind.format };
  } finally {
    zip.close();
  }
}
