/**
 * The package formats (office-text.ts) read in-process from real archives: what is text and
 * what is not in each format, and the ZIP reader's bounds (zip.ts) with small limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageText } from './office-text.js';
import { docxWithText, odpWithSlides, odsWithSheets, odtWithText, openDocument, pptxWithSlides, xlsxWithSheets } from './office-documents.fixture.js';
import { zip } from './zip-archive.fixture.js';
import { ZipRefused } from './zip.js';

const text = async (bytes: Uint8Array, maxChars = 100_000) => (await packageText(bytes, null, maxChars)).text;
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** A DOCX whose document.xml body is `body`, with the package parts of docxWithText. */
function docxWithBody(body: string, extra: Record<string, string> = {}): Buffer {
  const base = docxWithText(['x']);
  return withEntries(base, { 'word/document.xml': `<w:document ${W}><w:body>${body}</w:body></w:document>`, ...extra });
}

/** The entries of a stored fixture archive, some replaced or added (re-zipped, deflated). */
function withEntries(archive: Buffer, replace: Record<string, string>): Buffer {
  return zip({ ...entriesOf(archive), ...replace }, { deflate: true });
}

describe('DOCX', () => {
  it('run text, tabs and breaks in runs, one line per paragraph; tab stops, deleted text and field codes are not text', async () => {
    const body =
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Name</w:t><w:tab/><w:t>Value</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t xml:space="preserve">line one</w:t><w:br/><w:t>line two</w:t></w:r><w:del><w:r><w:delText>removed</w:delText></w:r></w:del></w:p>' +
      '<w:p><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>link &amp; text</w:t></w:r></w:p>';
    assert.equal(await text(docxWithBody(body)), 'Name\tValue\nline one\nline two\nlink & text');
  });

  it('footnotes and endnotes follow the body', async () => {
    const rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>';
    const notes = `<w:footnotes ${W}><w:footnote w:id="1"><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p></w:footnote></w:footnotes>`;
    const docx = docxWithBody('<w:p><w:r><w:t>Body.</w:t></w:r></w:p>', { 'word/_rels/document.xml.rels': rels, 'word/footnotes.xml': notes });
    assert.equal(await text(docx), 'Body.\nA footnote.');
  });
});

describe('XLSX', () => {
  it('sheets in workbook order with their names; shared strings (runs joined, phonetic runs left out), inline strings, numbers, booleans', async () => {
    const xlsx = xlsxWithSheets([
      { name: 'Budget', rows: [['Item', 'Cost'], ['Paper & ink', 12.5], ['inline:Toner', true], []] },
      { name: 'Notes', rows: [['All fine', false]] },
    ]);
    const r = await packageText(xlsx, null, 100_000);
    assert.equal(r.format, 'xlsx');
    assert.equal(r.text, 'Budget\nItem\tCost\nPaper & ink\t12.5\nToner\tTRUE\nNotes\nAll fine\tFALSE');
  });

  it('stops at maxChars', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`row ${i}`, i]);
    const r = await packageText(xlsxWithSheets([{ name: 'Big', rows }]), null, 100);
    assert.equal(r.truncated, true);
    assert.equal(r.text.length, 100);
    assert.match(r.text, /^Big\nrow 0\t0\nrow 1\t1\n/);
  });
});

describe('PPTX', () => {
  it('slides in presentation order (not file-name order), one line per paragraph, a blank line between slides', async () => {
    const r = await packageText(pptxWithSlides([['Roadmap', 'Q1: ship'], ['Thanks <all>']]), null, 1000);
    assert.equal(r.format, 'pptx');
    assert.equal(r.text, 'Roadmap\nQ1: ship\n\nThanks <all>');
  });
});

describe('OpenDocument', () => {
  it('ODT: headings and paragraphs, text:s spaces, tabs and line breaks; tracked deletions and annotations are not text', async () => {
    const body = '<text:h>Title</text:h><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p>' +
      '<text:tracked-changes><text:changed-region><text:deletion><text:p>deleted</text:p></text:deletion></text:changed-region></text:tracked-changes>' +
      '<text:p>kept<office:annotation><dc:creator>Ann</dc:creator><text:p>a comment</text:p></office:annotation></text:p>' +
      `<text:p>huge space count<text:s text:c="999999999"/>end</text:p>`;
    const r = await packageText(openDocument('text', body), null, 1000);
    assert.equal(r.format, 'odt');
    assert.equal(r.text, `Title\na   b\tc\nd\nkept\nhuge space count${' '.repeat(64)}end`);
    assert.equal(await text(odtWithText('Heading', ['One', 'Two & three'])), 'Heading\nOne\nTwo & three');
  });

  it('ODS: each sheet named, rows one per line, cells apart by tabs; repeated empty cells add nothing', async () => {
    const ods = odsWithSheets([{ name: 'Q1', rows: [['a', 'b'], ['c', 'd']] }, { name: 'Q2', rows: [['e']] }]);
    const r = await packageText(ods, null, 1000);
    assert.equal(r.format, 'ods');
    assert.equal(r.text, 'Q1\na\tb\nc\td\nQ2\ne');
  });

  it('ODP: slide after slide; speaker notes are not text', async () => {
    const r = await packageText(odpWithSlides([['Welcome'], ['Agenda', 'Item one']]), null, 1000);
    assert.equal(r.format, 'odp');
    assert.equal(r.text, 'Welcome\n\nAgenda\nItem one');
  });

  it('the manifest names the type when the mimetype entry is missing', async () => {
    const manifest = '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">' +
      '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>';
    const content = '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">' +
      '<office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>';
    const r = await packageText(zip({ 'META-INF/manifest.xml': manifest, 'content.xml': content }), null, 1000);
    assert.deepEqual([r.format, r.text], ['ods', 'S\nx']);
  });
});

describe('package detection and ZIP bounds', () => {
  it('the entries decide the format, not the hint', async () => {
    assert.equal((await packageText(xlsxWithSheets([{ name: 's', rows: [['x']] }]), 'docx', 100)).format, 'xlsx');
    assert.equal((await packageText(docxWithText(['x']), 'odt', 100)).format, 'docx');
  });

  it('a ZIP that is no document is refused with a reason', async () => {
    await assert.rejects(packageText(zip({ 'readme.txt': 'hello', 'data.bin': 'x' }), 'docx', 100), (e) => e instanceof ZipRefused && /not a DOCX, XLSX, PPTX, ODT, ODS or ODP document/.test(e.message));
  });

  it('a corrupt archive is an error, not a hang or a crash', async () => {
    const docx = docxWithText(['some text'], { deflate: true });
    await assert.rejects(packageText(docx.subarray(0, docx.length - 30), null, 100));
    await assert.rejects(packageText(Buffer.from('PK\u0003\u0004 not really a zip'), null, 100));
    const flipped = Buffer.from(docx);
    flipped.fill(0x55, 60, 200); // inside the deflated data
    await assert.rejects(packageText(flipped, null, 100));
  });

  it('more entries than the limit: refused before any is read', async () => {
    const entries: Record<string, string> = {};
    for (let i = 0; i < 20; i++) entries[`f${i}.xml`] = '<x/>';
    await assert.rejects(packageText(zip(entries), null, 100, { entries: 10, entryBytes: 1e6, totalBytes: 1e6 }), (e) => e instanceof ZipRefused && /20 entries, more than the 10 read/.test(e.message));
  });

  it('an entry declaring more than the per-entry limit is refused before inflating', async () => {
    const bomb = zip({ ...entriesOf(docxWithText(['x'])) }, { deflate: true, declared: { 'word/document.xml': 3_000_000_000 } });
    await assert.rejects(packageText(bomb, null, 100), (e) => e instanceof ZipRefused && /entry \[word\/document\.xml\] inflates to 3000000000 bytes, more than the 100 MiB read per entry/.test(e.message));
  });

  it('an entry inflating past its declared size is refused at the first excess chunk', async () => {
    const huge = `<w:document ${W}><w:body>${`<w:p><w:r><w:t>${'a'.repeat(1000)}</w:t></w:r></w:p>`.repeat(20_000)}</w:body></w:document>`; // 20 MB
    const bomb = zip({ ...entriesOf(docxWithText(['x'])), 'word/document.xml': huge }, { deflate: true, declared: { 'word/document.xml': 1000 } });
    assert.ok(bomb.length < 200_000, `${bomb.length} bytes`);
    await assert.rejects(packageText(bomb, null, 10_000_000), (e) => e instanceof ZipRefused && /inflates to more than the 1000 bytes it declares/.test(e.message));
  });

  it('the bytes inflated across entries are bounded per archive', async () => {
    const slide = (s: string) => [`Slide ${s} `.repeat(30_000)];
    const pptx = pptxWithSlides([slide('a'), slide('b'), slide('c')]); // ~240 KB of XML per slide
    await assert.rejects(packageText(pptx, null, 10_000_000, { entries: 100, entryBytes: 1e6, totalBytes: 500_000 }), (e) => e instanceof ZipRefused && /the archive inflates to more than/.test(e.message));
    assert.match((await packageText(pptx, null, 10_000_000, { entries: 100, entryBytes: 1e6, totalBytes: 2e6 })).text, /^Slide a/);
  });

  it('markup in text is text: escaped characters come out as they read', async () => {
    assert.equal(await text(docxWithText(['<b>not bold</b> & more'])), '<b>not bold</b> & more');
  });
});

/** The entries of a stored fixture archive by name. */
function entriesOf(archive: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (archive.readUInt32LE(at) === 0x04034b50) {
    const size = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    out[archive.subarray(at + 30, at + 30 + nameLength).toString()] = archive.subarray(at + 30 + nameLength, at + 30 + nameLength + size).toString();
    at += 30 + nameLength + size;
  }
  return out;
}
