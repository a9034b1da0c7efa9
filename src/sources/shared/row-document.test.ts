import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactInteger, exactNumber, isoFromSql, keyId, rowHash, toTimestamp } from './row-document.js';

test('exactNumber keeps decimals a JS number cannot hold as strings', () => {
  assert.equal(exactNumber('12.50'), 12.5);
  assert.equal(exactNumber('-0.000'), 0);
  assert.equal(exactNumber('007'), 7);
  assert.equal(exactNumber('0.1'), 0.1);
  assert.equal(exactNumber('12345678901234567890'), '12345678901234567890');
  assert.equal(exactNumber('0.12345678901234567890123'), '0.12345678901234567890123');
  assert.equal(exactNumber('NaN'), 'NaN');
  assert.equal(exactInteger('9007199254740991'), 9007199254740991);
  assert.equal(exactInteger('9007199254740993'), '9007199254740993');
});

test('timestamps become ISO-8601; _timestamp is always an instant', () => {
  assert.equal(isoFromSql('2024-01-02 03:04:05.123456+00'), '2024-01-02T03:04:05.123456Z');
  assert.equal(isoFromSql('2024-01-02 03:04:05+05:30'), '2024-01-02T03:04:05+05:30');
  assert.equal(isoFromSql('2024-01-02 03:04:05'), '2024-01-02T03:04:05');
  assert.equal(toTimestamp('2024-01-02T03:04:05'), '2024-01-02T03:04:05Z');
  assert.equal(toTimestamp('2024-01-02T03:04:05.5Z'), '2024-01-02T03:04:05.5Z');
  assert.equal(toTimestamp('2024-01-02'), '2024-01-02T00:00:00Z');
  assert.equal(toTimestamp(42), undefined);
  assert.equal(toTimestamp('not a date'), undefined);
});

test('ids: key values joined with _, or a stable hash of the row', () => {
  assert.equal(keyId('public_items', [1, 'a']), 'public_items_1_a');
  assert.equal(keyId('db_t', [Buffer.from([1, 255])]), 'db_t_01ff');
  assert.equal(rowHash([1, 'x', null]), rowHash([1, 'x', null]));
  assert.notEqual(rowHash([1, 'x']), rowHash(['1x']));
  assert.notEqual(rowHash([null]), rowHash(['null', '']));
});
