import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexNameMessage, indexNameProblem } from './index-name.js';

const CHARS = 'must not contain the following characters [\\, /, *, ?, ", <, >, |,  , ,]';

describe('index-name rules (connector-api.md §10.1)', () => {
  it('accepts ordinary names, uppercase (not enforced) and dots inside', () => {
    for (const n of ['search-a', 'content-x', 'My-Index', 'a.b', '.hidden', 'x_y', 'ünïcödé', '日本語', 'a'.repeat(255), '...', 'a+b', 'a-']) {
      assert.equal(indexNameProblem(n), null, n);
      assert.equal(indexNameMessage(n), null, n);
    }
  });

  for (const c of ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',']) {
    it(`rejects ${JSON.stringify(c)}`, () => {
      assert.equal(indexNameProblem(`a${c}b`), CHARS);
    });
  }

  it("rejects '#'", () => assert.equal(indexNameProblem('a#b'), "must not contain '#'"));
  it("rejects ':'", () => assert.equal(indexNameProblem('a:b'), "must not contain ':'"));

  for (const c of ['_', '-', '+']) {
    it(`rejects a leading ${c}`, () => assert.equal(indexNameProblem(`${c}abc`), "must not start with '_', '-', or '+'"));
  }

  it('limits the name to 255 UTF-8 bytes, not characters', () => {
    assert.equal(indexNameProblem('a'.repeat(256)), 'index name is too long, (256 > 255)');
    assert.equal(indexNameProblem('é'.repeat(127)), null); // 254 bytes
    assert.equal(indexNameProblem('é'.repeat(128)), 'index name is too long, (256 > 255)');
    assert.equal(indexNameProblem('😀'.repeat(64)), 'index name is too long, (256 > 255)');
  });

  it("rejects '.' and '..'", () => {
    assert.equal(indexNameProblem('.'), "must not be '.' or '..'");
    assert.equal(indexNameProblem('..'), "must not be '.' or '..'");
  });

  it('rejects the empty name (400, not the 500 of some Elasticsearch versions)', () => {
    assert.equal(indexNameProblem(''), 'must not be empty');
  });

  it('checks in Elasticsearch order: characters, #, :, prefix, length, dots', () => {
    assert.equal(indexNameProblem('_a b'), CHARS);
    assert.equal(indexNameProblem('_a#:'), "must not contain '#'");
    assert.equal(indexNameProblem('_a:'), "must not contain ':'");
    assert.equal(indexNameProblem('_' + 'a'.repeat(300)), "must not start with '_', '-', or '+'");
  });

  it('formats the validation message as InvalidIndexNameException', () => {
    assert.equal(
      indexNameMessage('_bad'),
      "[_bad] InvalidIndexNameException[Invalid index name [_bad], must not start with '_', '-', or '+']",
    );
    assert.equal(indexNameMessage(''), '[] InvalidIndexNameException[Invalid index name [], must not be empty]');
  });
});
