/** Text of documents held in memory (extract-bytes.ts): sniffing, the threads' extractors, bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docxWithText, pdfWithText } from './binary-documents.fixture.js';
import { detectFormat } from './detect.js';
import { extractBytes, ExtractionRefused } from './extract-bytes.js';
import { ExtractionAborted, thePool } from './extract-pool.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('extractBytes', () => {
  it('detects PDF, a ZIP package, HTML, plain text from the bytes alone, and no format for other bytes', () => {
    assert.equal(detectFormat(pdfWithText('x')), 'pdf');
    assert.equal(detectFormat(docxWithText(['x'])), 'zip');
    assert.equal(detectFormat(utf8('\ufeff  <!DOCTYPE html><p>x')), 'html');
    assert.equal(detectFormat(utf8('<p>x</p>')), 'html');
    assert.equal(detectFormat(utf8('plain words, ünïcødé')), 'text');
    assert.equal(detectFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])), null);
  });

  it('extracts PDF, DOCX and HTML in the threads, plain text directly', async () => {
    const pdf = await extractBytes(pdfWithText('Quarterly report for Tributary'), { maxChars: 1000 });
    assert.match(pdf.content, /Quarterly report for Tributary/);
    assert.equal(pdf.contentType, 'application/pdf');
    const docx = await extractBytes(docxWithText(['Minutes of the meeting']), { maxChars: 1000 });
    assert.equal(docx.content, 'Minutes of the meeting');
    assert.equal(docx.contentLength, 'Minutes of the meeting'.length);
    const html = await extractBytes(utf8('<html><script>evil()</script><body><h1>Title</h1><p>Some &amp; text</p></body></html>'), { maxChars: 1000 });
    assert.equal(html.content, 'Title\nSome & text');
    assert.equal(html.contentType, 'text/html; charset=UTF-8');
    const text = await extractBytes(utf8('  hello world  '), { maxChars: 1000 });
    assert.deepEqual([text.content, text.contentType], ['hello world', 'text/plain; charset=UTF-8']);
  });

  it('keeps at most maxChars characters, and says so', async () => {
    const r = await extractBytes(utf8('abcdefghij'), { maxChars: 4 });
    assert.deepEqual([r.content, r.truncated], ['abcd', true]);
    const h = await extractBytes(utf8(`<p>${'x'.repeat(500)}</p>`), { maxChars: 10 });
    assert.ok(h.truncated && /^x{1,10}$/.test(h.content), h.content);
  });

  it('refuses more than maxBytes and unknown formats with a reason', async () => {
    await assert.rejects(extractBytes(utf8('x'.repeat(101)), { maxChars: 10, maxBytes: 100 }), (e) => e instanceof ExtractionRefused && /101 bytes, more than the 100 bytes/.test(e.message));
    await assert.rejects(extractBytes(new Uint8Array([0xff, 0xfe, 0, 0, 1]), { maxChars: 10 }), (e) => e instanceof ExtractionRefused && /plain text, Markdown, .*, PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, RTF and EML \(text in UTF-8\) are read/.test(e.message));
  });

  it('a corrupt PDF is an error, not a crash', async () => {
    await assert.rejects(extractBytes(utf8('%PDF-1.4 this is not a pdf'), { maxChars: 10 }));
  });

  it('a document over the time budget is aborted in its thread; the event loop keeps running', async () => {
    const html = utf8(`<html>${'<a b=c>'.repeat(1_400_000)}`); // 9.8 MB of tags: well over 50 ms of parsing
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      await assert.rejects(extractBytes(html, { maxChars: 1000, timeoutMs: 50 }), (e) => e instanceof ExtractionAborted && /took longer than 50 ms/.test(e.message));
    } finally {
      clearInterval(timer);
    }
    const took = Date.now() - started;
    assert.ok(ticks >= Math.floor(took / 10) / 3, `the event loop ticked ${ticks} times in ${took} ms`);
    // The pool replaced the ended thread: the next document is extracted.
    assert.equal((await extractBytes(utf8('<p>after</p>'), { maxChars: 100 })).content, 'after');
  });

  it("a thread's message about a task the pool no longer tracks does not crash the process", async () => {
    // What piscina emits when a thread's result crosses the abort of a cancelled sync's task.
    assert.doesNotThrow(() => thePool().emit('error', new Error('Unexpected message from Worker: { taskId: 542 }')));
    assert.equal((await extractBytes(utf8('<p>still serving</p>'), { maxChars: 100 })).content, 'still serving');
  });
});
