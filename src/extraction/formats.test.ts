/**
 * Every format of the registry through the one extraction service (extract-bytes.ts → the
 * extraction threads), from real files built here: text, content type, detection over a
 * misleading extension, truncation at maxChars, corrupt files and ZIP bombs refused with a
 * reason while the threads keep working.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfWithText } from './binary-documents.fixture.js';
import { extractBytes, ExtractionRefused } from './extract-bytes.js';
import { FORMATS, formatById, type FormatId } from './formats.js';
import { docxWithText, odpWithSlides, odsWithSheets, odtWithText, pptxWithSlides, xlsxWithSheets } from './office-documents.fixture.js';
import { zip } from './zip-archive.fixture.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

const MAIL =
  'From: "Ann Example" <ann@example.com>\r\nTo: team@example.com\r\nCc: boss@example.com\r\nSubject: =?UTF-8?B?UXVhcnRlcmx5IHLDqXN1bcOp?=\r\n' +
  'Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <q1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n' +
  '--mix\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n' +
  '--alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nRevenue grew in the caf=E9 division.=\r\n Details attached.\r\n' +
  '--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Revenue grew (html)</p>\r\n--alt--\r\n' +
  '--mix\r\nContent-Type: application/pdf; name="r.pdf"\r\nContent-Disposition: attachment; filename="r.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--mix--\r\n';
const HTML_MAIL = 'From: a@example.com\r\nSubject: html only\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><style>p{}</style><body><h1>News</h1><p>Only &amp; html</p><script>x()</script></body></html>\r\n';
const RTF = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}{\\info{\\author X}}\\f0 Caf\\'e9 menu\\par Soup\\tab 4\\'80\\par}";

/** One real document per format, with what its text must be. */
const DOCUMENTS: { format: FormatId; name: string; bytes: Buffer; text: string | RegExp }[] = [
  { format: 'text', name: 'notes.txt', bytes: utf8('\ufeffPlain notes, ünïcødé.\n'), text: 'Plain notes, ünïcødé.' },
  { format: 'markdown', name: 'readme.md', bytes: utf8('# Title\n\nSome *markdown*.'), text: '# Title\n\nSome *markdown*.' },
  { format: 'csv', name: 'rows.csv', bytes: utf8('id,name\n1,Ann\n'), text: 'id,name\n1,Ann' },
  { format: 'tsv', name: 'rows.tsv', bytes: utf8('id\tname\n1\tAnn\n'), text: 'id\tname\n1\tAnn' },
  { format: 'json', name: 'doc.json', bytes: utf8('{"title": "Quarterly", "n": 1}'), text: '{"title": "Quarterly", "n": 1}' },
  { format: 'xml', name: 'feed.xml', bytes: utf8('<?xml version="1.0"?><!-- c --><feed><entry id="1"><title>First &amp; best</title><summary><![CDATA[<b>raw</b>]]></summary></entry></feed>'), text: 'First & best\n<b>raw</b>' },
  { format: 'html', name: 'page.html', bytes: utf8('<!DOCTYPE html><html><head><style>p{}</style></head><body><h1>Hello</h1><p>world &amp; more</p><script>x()</script></body></html>'), text: 'Hello\nworld & more' },
  { format: 'pdf', name: 'report.pdf', bytes: pdfWithText('Quarterly report for Tributary'), text: /Quarterly report for Tributary/ },
  { format: 'docx', name: 'letter.docx', bytes: docxWithText(['Dear reader,', 'the letter body.'], { deflate: true }), text: 'Dear reader,\nthe letter body.' },
  { format: 'xlsx', name: 'budget.xlsx', bytes: xlsxWithSheets([{ name: 'Budget', rows: [['Item', 'Cost'], ['Paper', 12.5]] }]), text: 'Budget\nItem\tCost\nPaper\t12.5' },
  { format: 'pptx', name: 'deck.pptx', bytes: pptxWithSlides([['Roadmap'], ['Thanks']]), text: 'Roadmap\n\nThanks' },
  { format: 'odt', name: 'memo.odt', bytes: odtWithText('Memo', ['Body text.']), text: 'Memo\nBody text.' },
  { format: 'ods', name: 'sheet.ods', bytes: odsWithSheets([{ name: 'S1', rows: [['a', 'b']] }]), text: 'S1\na\tb' },
  { format: 'odp', name: 'talk.odp', bytes: odpWithSlides([['Welcome'], ['Bye']]), text: 'Welcome\n\nBye' },
  { format: 'rtf', name: 'menu.rtf', bytes: utf8(RTF), text: 'Café menu\nSoup\t4€' },
  {
    format: 'eml', name: 'mail.eml', bytes: utf8(MAIL),
    text: 'Subject: Quarterly résumé\nFrom: "Ann Example" <ann@example.com>\nTo: team@example.com\nCc: boss@example.com\nDate: 2026-12-07T10:00:00.000Z\n\nRevenue grew in the café division. Details attached.',
  },
];

describe('every format through extractBytes (the extraction threads)', () => {
  it('covers every format of the registry', () => {
    assert.deepEqual(DOCUMENTS.map((d) => d.format).sort(), FORMATS.map((f) => f.id).sort());
  });

  for (const d of DOCUMENTS) {
    it(`${d.format}: text and content type, with and without the extension`, async () => {
      for (const extension of [d.name.split('.').pop(), undefined]) {
        if (extension === undefined && ['markdown', 'csv', 'tsv'].includes(d.format)) continue; // only the name tells these from plain text
        const r = await extractBytes(d.bytes, { maxChars: 10_000, extension });
        if (typeof d.text === 'string') assert.equal(r.content, d.text, `${d.name} (extension ${extension})`);
        else assert.match(r.content, d.text);
        assert.equal(r.contentType, formatById(d.format).contentType);
        assert.equal(r.truncated, false);
      }
    });
  }

  it('an HTML-only message is read through the HTML extractor', async () => {
    assert.equal((await extractBytes(utf8(HTML_MAIL), { maxChars: 1000, extension: 'eml' })).content, 'Subject: html only\nFrom: a@example.com\n\nNews\nOnly & html');
  });

  it('content wins over a misleading extension', async () => {
    const xlsxAsDocx = await extractBytes(xlsxWithSheets([{ name: 'S', rows: [['cell']] }]), { maxChars: 1000, extension: 'docx' });
    assert.deepEqual([xlsxAsDocx.content, xlsxAsDocx.contentType], ['S\ncell', formatById('xlsx').contentType]);
    const pdfAsTxt = await extractBytes(pdfWithText('Hidden PDF'), { maxChars: 1000, extension: 'txt' });
    assert.deepEqual([pdfAsTxt.content, pdfAsTxt.contentType], ['Hidden PDF', 'application/pdf']);
    const rtfAsDoc = await extractBytes(utf8(RTF), { maxChars: 1000, extension: 'docx' });
    assert.equal(rtfAsDoc.contentType, 'application/rtf');
  });

  it('every format stops at maxChars and says so', async () => {
    const long = 'lorem ipsum dolor '.repeat(100);
    const big: [FormatId, Buffer][] = [
      ['text', utf8(long)], ['xml', utf8(`<r><a>${long}</a></r>`)], ['html', utf8(`<p>${long}</p>`)],
      ['pdf', pdfWithText(long.slice(0, 400))], ['docx', docxWithText([long, long])],
      ['xlsx', xlsxWithSheets([{ name: 'S', rows: [[long], [long]] }])], ['pptx', pptxWithSlides([[long], [long]])],
      ['odt', odtWithText('h', [long])], ['ods', odsWithSheets([{ name: 'S', rows: [[long]] }])], ['odp', odpWithSlides([[long]])],
      ['rtf', utf8(`{\\rtf1 ${long}}`)], ['eml', utf8(`From: a@b.c\r\nSubject: s\r\nMIME-Version: 1.0\r\nMessage-ID: <1@b.c>\r\n\r\n${long}`)],
    ];
    for (const [format, bytes] of big) {
      const r = await extractBytes(bytes, { maxChars: 30, extension: formatById(format).extensions[0] });
      assert.equal(r.truncated, true, format);
      assert.ok(r.content.length <= 30 && r.content.length >= 20, `${format}: ${r.content.length} characters`);
    }
  });

  it('corrupt documents are errors with the parser\'s reason, never a crash', async () => {
    const docx = docxWithText(['text'], { deflate: true });
    const cases: [string, Buffer][] = [
      ['pdf', utf8('%PDF-1.4 this is not a pdf')],
      ['docx', docx.subarray(0, docx.length - 40)],
      ['xlsx', utf8('PK\u0003\u0004 garbage that is no archive')],
      ['odt', Buffer.alloc(0)],
    ];
    for (const [extension, bytes] of cases) {
      // (PDF.js's exceptions cross from the thread as plain objects with a message)
      await assert.rejects(extractBytes(bytes, { maxChars: 100, extension }), (e: Error) => typeof e.message === 'string' && e.message.length > 0, extension);
    }
    await assert.rejects(extractBytes(zip({ 'a.txt': 'just a zip' }), { maxChars: 100, extension: 'docx' }), (e) => e instanceof ExtractionRefused && /ZIP archive but not a DOCX/.test(e.message));
  });

  it('ZIP bombs are refused with a reason (declared or actual inflated size); the threads go on', async () => {
    const parts = { '[Content_Types].xml': '<Types/>', '_rels/.rels': '<Relationships xmlns="x"><Relationship Id="r" Type="x/officeDocument" Target="word/document.xml"/></Relationships>' };
    const declared = zip({ ...parts, 'word/document.xml': '<w:document/>' }, { deflate: true, declared: { 'word/document.xml': 4_000_000_000 } });
    await assert.rejects(extractBytes(declared, { maxChars: 1000 }), (e) => e instanceof ExtractionRefused && /inflates to 4000000000 bytes, more than the 100 MiB read per entry/.test(e.message));
    const zeros = Buffer.alloc(60 * 1024 * 1024, 0x20); // 60 MiB inflating from ~60 KB
    const actual = zip({ ...parts, 'word/document.xml': zeros }, { deflate: true, declared: { 'word/document.xml': 2048 } });
    assert.ok(actual.length < 200_000);
    await assert.rejects(extractBytes(actual, { maxChars: 1000 }), (e) => e instanceof ExtractionRefused && /more than the 2048 bytes it declares/.test(e.message));
    assert.equal((await extractBytes(docxWithText(['after the bombs']), { maxChars: 100 })).content, 'after the bombs');
  });
});
