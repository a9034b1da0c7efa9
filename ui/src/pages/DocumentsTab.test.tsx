/** The document JSON viewer's text: indented, and cut with a note past the bound. */
import '../../test/dom';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentJson } from './DocumentsTab';

test('document JSON is indented and bounded', () => {
  assert.equal(documentJson({ a: 1, b: ['x'] }), '{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}');
  assert.equal(documentJson(undefined), '{}');
  const long = documentJson({ body: 'y'.repeat(500) }, 100);
  assert.equal(long.split('\n…')[0].length, 100);
  assert.match(long, /… \(4\d\d more characters\)$/);
});
