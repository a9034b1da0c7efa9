/** The format registry and detection by content and extension (formats.ts, detect.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfWithText } from './binary-documents.fixture.js';
import { detectFormat } from './detect.js';
import { FORMATS, formatOfExtension } from './formats.js';
import { docxWithText, odtWithText, xlsxWithSheets } from './office-documents.fixture.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const RTF = utf8('{\\rtf1\\ansi Hello}');
const MAIL = utf8('Received: from mx.example.com\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\n\r\nbody');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('format registry', () => {
  it('each extension names exactly one format; look-ups ignore case and a leading dot', () => {
    const all = FORMATS.flatMap((f) => f.extensions);
    assert.equal(new Set(all).size, all.length, 'an extension in two formats');
    assert.equal(formatOfExtension('.DOCX')?.id, 'docx');
    assert.equal(formatOfExtension('Md')?.id, 'markdown');
    assert.equal(formatOfExtension('png'), null);
    assert.equal(formatOfExtension(''), null);
  });
});

describe('detectFormat', () => {
  it('reads conclusive signatures from the content alone', () => {
    assert.equal(detectFormat(pdfWithText('x')), 'pdf');
    assert.equal(detectFormat(docxWithText(['x'])), 'zip');
    assert.equal(detectFormat(xlsxWithSheets([{ name: 's', rows: [['x']] }])), 'zip');
    assert.equal(detectFormat(odtWithText('h', ['x'])), 'zip');
    assert.equal(detectFormat(RTF), 'rtf');
    assert.equal(detectFormat(MAIL), 'eml');
    assert.equal(detectFormat(utf8('<?xml version="1.0"?><!-- c --><note><to>x</to></note>')), 'xml');
    assert.equal(detectFormat(utf8('<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"></html>')), 'html');
    assert.equal(detectFormat(utf8('\ufeff\n  <!doctype HTML><title>x</title>')), 'html');
    assert.equal(detectFormat(utf8('junk before the header %PDF-1.7\n')), 'pdf', 'PDF.js accepts a header within the first 1024 bytes');
  });

  it('content wins over a misleading extension when it is conclusive', () => {
    assert.equal(detectFormat(pdfWithText('x'), 'txt'), 'pdf');
    assert.equal(detectFormat(docxWithText(['x']), 'pdf'), 'zip');
    assert.equal(detectFormat(RTF, 'docx'), 'rtf');
    assert.equal(detectFormat(utf8('<!DOCTYPE html><p>x'), 'json'), 'html');
    assert.equal(detectFormat(utf8('<?xml version="1.0"?><a/>'), 'html'), 'xml');
    assert.equal(detectFormat(MAIL, 'txt'), 'eml');
  });

  it('the extension decides what the content leaves open', () => {
    assert.equal(detectFormat(utf8('{"a": 1}'), 'csv'), 'csv');
    assert.equal(detectFormat(utf8('<p>not markup in a text file</p>'), 'txt'), 'text');
    assert.equal(detectFormat(utf8('# Title'), 'md'), 'markdown');
    assert.equal(detectFormat(utf8('a\tb'), 'tsv'), 'tsv');
    assert.equal(detectFormat(utf8('From: a@b.c\nSubject: hi\n\nno MIME headers'), 'txt'), 'text');
    assert.equal(detectFormat(PNG, 'pdf'), 'pdf', 'the PDF extractor then reports the file corrupt');
    assert.equal(detectFormat(utf8(''), 'docx'), 'docx');
  });

  it('without an extension, weaker signs of the content decide', () => {
    assert.equal(detectFormat(utf8('  {"a": [1, 2]}')), 'json');
    assert.equal(detectFormat(utf8('[{"a": 1}]')), 'json');
    assert.equal(detectFormat(utf8('[section]\nkey = value')), 'text');
    assert.equal(detectFormat(utf8('<div>fragment</div>')), 'html');
    assert.equal(detectFormat(utf8('<catalog><book/></catalog>')), 'xml');
    assert.equal(detectFormat(utf8('From: a@b.c\nSubject: hi\n\nbody')), 'eml');
    assert.equal(detectFormat(utf8('Subject line: not a header block\nsecond line')), 'text');
    assert.equal(detectFormat(utf8('plain words, ünïcødé')), 'text');
    assert.equal(detectFormat(PNG), null);
    assert.equal(detectFormat(new Uint8Array([0xe9, 0x74, 0xe9])), null, 'Latin-1 text is not UTF-8: no format without an extension');
    assert.equal(detectFormat(new Uint8Array([0xe9, 0x74, 0xe9]), 'txt'), 'text');
  });

  it('a UTF-8 sequence cut at the end of the head is still text', () => {
    const head = utf8('a'.repeat(4095) + 'é').subarray(0, 4096); // é's first byte only
    assert.equal(detectFormat(head), 'text');
  });
});
