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
import { bombActual, bombDeclared, DOCUMENTS, HTML_MAIL, RTF, utf8 } from './sample-documents.fixture.js';
import { zip } from './zip-archive.fixture.js';

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
    await assert.rejects(extractBytes(bombDeclared(), { maxChars: 1000 }), (e) => e instanceof ExtractionRefused && /inflates to 4000000000 bytes, more than the 100 MiB read per entry/.test(e.message));
    const actual = bombActual();
    assert.ok(actual.length < 200_000);
    await assert.rejects(extractBytes(actual, { maxChars: 1000 }), (e) => e instanceof ExtractionRefused && /more than the 2048 bytes it declares/.test(e.message));
    assert.equal((await extractBytes(docxWithText(['after the bombs']), { maxChars: 100 })).content, 'after the bombs');
  });
});
