/** RTF text (rtf.ts): destinations skipped, escapes decoded, bounded on hostile input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rtfToText } from './rtf.js';

const rtf = (s: string, maxChars = 10_000) => rtfToText(new TextEncoder().encode(s), maxChars);

/** What Word or WordPad writes around the text. */
const HEADER =
  '{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat{\\fonttbl{\\f0\\fnil\\fcharset0 Calibri;}{\\f1 Symbol;}}' +
  '{\\colortbl ;\\red255\\green0\\blue0;}{\\stylesheet{\\s0 Normal;}{\\s1 heading 1;}}' +
  '{\\*\\generator Riched20 10.0.19041}{\\info{\\title Secret title}{\\author Someone}}' +
  '{\\*\\themedata 504b0304}{\\header header text}\\viewkind4\\uc1\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang9 ';

describe('rtfToText', () => {
  it('text without control words; tables, info, generator, pictures and \\* destinations skipped', () => {
    const doc = HEADER + 'Hello {\\b bold} world\\par Second line\\line third\\tab tabbed\\par' +
      '{\\pict\\wmetafile8\\picw100 0123456789abcdef}{\\*\\unknowndest hidden}After\\par}';
    assert.equal(rtf(doc).text, 'Hello bold world\nSecond line\nthird\ttabbed\nAfter');
  });

  it("\\'hh bytes in the code page, \\uN with \\ucN fallbacks skipped, literal braces and backslashes", () => {
    assert.equal(rtf("{\\rtf1\\ansi Caf\\'e9 \\'80 10\\par}").text, 'Café € 10');
    assert.equal(rtf("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}").text, 'Привет');
    assert.equal(rtf("{\\rtf1\\uc1 \\u8364? \\u-3913?\\uc2 \\u26085\\'93\\'fa!}").text, '€ \uf0b7日!');
    assert.equal(rtf('{\\rtf1\\uc0 \\u55357\\u56832 smile}').text, '\u{1f600}smile'); // the space ends the control word
    assert.equal(rtf('{\\rtf1 \\{not a group\\} and a \\\\ backslash\\~here\\_x}').text, '{not a group} and a \\ backslash here-x');
    assert.equal(rtf('{\\rtf1 \\ldblquote quoted\\rdblquote  \\emdash  \\bullet}').text, '\u201cquoted\u201d \u2014 \u2022');
  });

  it('field instructions are not text, field results are', () => {
    const doc = '{\\rtf1 See {\\field{\\*\\fldinst{HYPERLINK "https://example.com"}}{\\fldrslt{the site}}} now.}';
    assert.equal(rtf(doc).text, 'See the site now.');
  });

  it('\\binN skips its raw bytes', () => {
    assert.equal(rtf('{\\rtf1 a{\\*\\blob\\bin6 }{}\\\\}}b}').text, 'ab');
    assert.equal(rtf('{\\rtf1 a\\bin3 xyzb}').text, 'ab');
  });

  it('stops at maxChars and says so', () => {
    const r = rtf(`{\\rtf1 ${'word '.repeat(10_000)}}`, 100);
    assert.deepEqual([r.text.length, r.truncated], [99, true]); // the cut ends in a space, trimmed
  });

  it('hostile input: deep nesting, endless control words, lone backslashes end without a crash', () => {
    const deep = '{\\rtf1 ' + '{'.repeat(200_000) + 'deep text' + '}'.repeat(200_000) + '}';
    assert.equal(rtf(deep).text, 'deep text');
    const words = '{\\rtf1 ' + '\\' + 'x'.repeat(100_000) + ' tail}';
    assert.ok(rtf(words, 1e6).text.endsWith('tail'));
    assert.equal(rtf('{\\rtf1 unterminated \\').text, 'unterminated');
    assert.equal(rtf("{\\rtf1 bad hex \\'zz ok}").text, 'bad hex  ok');
    assert.equal(rtf('}}}{\\rtf1 x}').text, 'x');
  });
});
