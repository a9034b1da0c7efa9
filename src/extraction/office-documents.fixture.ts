/**
 * Test helpers that build real Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS,
 * ODP) packages from minimal valid XML parts, zipped by zip-archive.fixture.ts.
 */
import { zip, type ZipOptions } from './zip-archive.fixture.js';

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const OOXML = 'application/vnd.openxmlformats-officedocument';

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function relationships(rels: [id: string, type: string, target: string][]): string {
  const items = rels.map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`).join('');
  return `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items}</Relationships>`;
}

/** An OPC package: content types, the package relationship to `main`, and the parts. */
function ooxml(main: string, overrides: [part: string, type: string][], parts: Record<string, string>, options?: ZipOptions): Buffer {
  const types =
    `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    overrides.map(([p, t]) => `<Override PartName="/${p}" ContentType="${t}"/>`).join('') +
    '</Types>';
  return zip({ '[Content_Types].xml': types, '_rels/.rels': relationships([['rId1', 'officeDocument', main]]), ...parts }, options);
}

export function docxWithText(paragraphs: string[], options?: ZipOptions): Buffer {
  const body = paragraphs.map((p) => `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join('');
  return ooxml('word/document.xml', [['word/document.xml', `${OOXML}.wordprocessingml.document.main+xml`]], {
    'word/document.xml': `${DECL}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  }, options);
}

export type Cell = string | number | boolean;

/**
 * An XLSX: strings go to the shared-strings table, each split into two rich-text runs with a
 * phonetic run after them (which is not text); strings starting `inline:` are inline strings.
 */
export function xlsxWithSheets(sheets: { name: string; rows: Cell[][] }[]): Buffer {
  const shared: string[] = [];
  const cell = (v: Cell, ref: string) => {
    if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
    if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
    if (v.startsWith('inline:')) return `<c r="${ref}" t="inlineStr"><is><t>${esc(v.slice(7))}</t></is></c>`;
    shared.push(v);
    return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
  };
  const parts: Record<string, string> = {};
  sheets.forEach((s, i) => {
    const rows = s.rows.map((r, y) => `<row r="${y + 1}">${r.map((v, x) => cell(v, String.fromCharCode(65 + x) + (y + 1))).join('')}</row>`).join('');
    parts[`xl/worksheets/sheet${i + 1}.xml`] = `${DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  });
  const si = shared.map((s) => {
    const half = Math.ceil(s.length / 2);
    return `<si><r><t xml:space="preserve">${esc(s.slice(0, half))}</t></r><r><rPr><b/></rPr><t xml:space="preserve">${esc(s.slice(half))}</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>`;
  });
  parts['xl/sharedStrings.xml'] = `${DECL}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${si.length}" uniqueCount="${si.length}">${si.join('')}</sst>`;
  const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"`;
  parts['xl/workbook.xml'] = `${DECL}<workbook ${ns}><sheets>${sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`;
  parts['xl/_rels/workbook.xml.rels'] = relationships([
    ...sheets.map((_, i) => [`rId${i + 1}`, 'worksheet', `worksheets/sheet${i + 1}.xml`] as [string, string, string]),
    ['rIdS', 'sharedStrings', 'sharedStrings.xml'],
  ]);
  return ooxml('xl/workbook.xml', [
    ['xl/workbook.xml', `${OOXML}.spreadsheetml.sheet.main+xml`],
    ['xl/sharedStrings.xml', `${OOXML}.spreadsheetml.sharedStrings+xml`],
    ...sheets.map((_, i) => [`xl/worksheets/sheet${i + 1}.xml`, `${OOXML}.spreadsheetml.worksheet+xml`] as [string, string]),
  ], parts);
}

/** A PPTX whose slide files are numbered in reverse of the presentation order (the order comes from presentation.xml). */
export function pptxWithSlides(slides: string[][]): Buffer {
  const n = slides.length;
  const parts: Record<string, string> = {};
  slides.forEach((paragraphs, i) => {
    const ps = paragraphs.map((p) => `<a:p><a:r><a:rPr lang="en-US"/><a:t>${esc(p)}</a:t></a:r></a:p>`).join('');
    parts[`ppt/slides/slide${n - i}.xml`] =
      `${DECL}<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">` +
      `<p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>${ps}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;
  });
  const ids = slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('');
  parts['ppt/presentation.xml'] =
    `${DECL}<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="${REL}"><p:sldIdLst>${ids}</p:sldIdLst></p:presentation>`;
  parts['ppt/_rels/presentation.xml.rels'] = relationships(slides.map((_, i) => [`rId${i + 1}`, 'slide', `slides/slide${n - i}.xml`]));
  return ooxml('ppt/presentation.xml', [
    ['ppt/presentation.xml', `${OOXML}.presentationml.presentation.main+xml`],
    ...slides.map((_, i) => [`ppt/slides/slide${i + 1}.xml`, `${OOXML}.presentationml.slide+xml`] as [string, string]),
  ], parts);
}

const ODF_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ' +
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"';

/** An OpenDocument package: `mimetype` first and stored, the manifest, and `content.xml` with `body` in `office:body`. */
export function openDocument(kind: 'text' | 'spreadsheet' | 'presentation', body: string, options?: ZipOptions): Buffer {
  const type = `application/vnd.oasis.opendocument.${kind}`;
  return zip({
    mimetype: type,
    'content.xml': `${DECL}<office:document-content ${ODF_NS} office:version="1.3"><office:body><office:${kind}>${body}</office:${kind}></office:body></office:document-content>`,
    'META-INF/manifest.xml':
      `${DECL}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
      `<manifest:file-entry manifest:full-path="/" manifest:media-type="${type}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
  }, { deflate: true, ...options });
}

export function odtWithText(heading: string, paragraphs: string[]): Buffer {
  return openDocument('text', `<text:h text:outline-level="1">${esc(heading)}</text:h>` + paragraphs.map((p) => `<text:p>${esc(p)}</text:p>`).join(''));
}

export function odsWithSheets(sheets: { name: string; rows: string[][] }[]): Buffer {
  const cell = (v: string) => `<table:table-cell office:value-type="string"><text:p>${esc(v)}</text:p></table:table-cell>`;
  return openDocument('spreadsheet', sheets.map((s) =>
    `<table:table table:name="${esc(s.name)}">${s.rows.map((r) => `<table:table-row>${r.map(cell).join('')}<table:table-cell table:number-columns-repeated="1000"/></table:table-row>`).join('')}</table:table>`,
  ).join(''));
}

export function odpWithSlides(slides: string[][]): Buffer {
  return openDocument('presentation', slides.map((ps, i) =>
    `<draw:page draw:name="page${i + 1}"><draw:frame><draw:text-box>${ps.map((p) => `<text:p>${esc(p)}</text:p>`).join('')}</draw:text-box></draw:frame>` +
    '<presentation:notes><draw:frame><draw:text-box><text:p>speaker notes</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>',
  ).join(''));
}
