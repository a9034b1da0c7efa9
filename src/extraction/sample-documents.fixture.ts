/**
 * One real document per format of the registry (formats.ts), built here — packages from
 * office-documents.fixture.ts, PDF from binary-documents.fixture.ts, RTF and EML as text —
 * with the text each must yield. Used by the extraction tests and the directory e2e test.
 */
import { pdfWithText } from './binary-documents.fixture.js';
import type { FormatId } from './formats.js';
import { docxWithText, odpWithSlides, odsWithSheets, odtWithText, pptxWithSlides, xlsxWithSheets } from './office-documents.fixture.js';
import { zip } from './zip-archive.fixture.js';

export const utf8 = (s: string) => Buffer.from(s, 'utf8');

export const MAIL =
  'From: "Ann Example" <ann@example.com>\r\nTo: team@example.com\r\nCc: boss@example.com\r\nSubject: =?UTF-8?B?UXVhcnRlcmx5IHLDqXN1bcOp?=\r\n' +
  'Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <q1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n' +
  '--mix\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n' +
  '--alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nRevenue grew in the caf=E9 division.=\r\n Details attached.\r\n' +
  '--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Revenue grew (html)</p>\r\n--alt--\r\n' +
  '--mix\r\nContent-Type: application/pdf; name="r.pdf"\r\nContent-Disposition: attachment; filename="r.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--mix--\r\n';
export const HTML_MAIL = 'From: a@example.com\r\nSubject: html only\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><style>p{}</style><body><h1>News</h1><p>Only &amp; html</p><script>x()</script></body></html>\r\n';
export const RTF = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}{\\info{\\author X}}\\f0 Caf\\'e9 menu\\par Soup\\tab 4\\'80\\par}";

/** One real document per format, with what its text must be. */
export const DOCUMENTS: { format: FormatId; name: string; bytes: Buffer; text: string | RegExp }[] = [
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

const BOMB_PARTS = {
  '[Content_Types].xml': '<Types/>',
  '_rels/.rels': '<Relationships xmlns="x"><Relationship Id="r" Type="x/officeDocument" Target="word/document.xml"/></Relationships>',
};

/** A DOCX whose document part declares 4 GB inflated. */
export function bombDeclared(): Buffer {
  return zip({ ...BOMB_PARTS, 'word/document.xml': '<w:document/>' }, { deflate: true, declared: { 'word/document.xml': 4_000_000_000 } });
}

/** A DOCX whose document part declares 2 KiB but inflates to 60 MiB (from about 60 KB). */
export function bombActual(): Buffer {
  return zip({ ...BOMB_PARTS, 'word/document.xml': Buffer.alloc(60 * 1024 * 1024, 0x20) }, { deflate: true, declared: { 'word/document.xml': 2048 } });
}
