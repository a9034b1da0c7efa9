import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTimestamp, timestampMicros } from './time.js';

describe('normaliseTimestamp (connector-api.md §1.4)', () => {
  const cases: [string, string][] = [
    ['2023-05-25T12:30:00Z', '2023-05-25T12:30:00.000Z'],
    ['2023-05-25T12:30:00.1Z', '2023-05-25T12:30:00.100Z'],
    ['2023-05-25T12:30:00.123Z', '2023-05-25T12:30:00.123Z'],
    ['2023-12-04T08:45:50.567149Z', '2023-12-04T08:45:50.567149Z'],
    ['2023-12-04T08:45:50.567149123Z', '2023-12-04T08:45:50.567149123Z'],
    ['2023-12-04T08:45:50.567000Z', '2023-12-04T08:45:50.567Z'],
    ['2023-05-25T12:30:00', '2023-05-25T12:30:00.000Z'],
    ['2023-05-25T12:30', '2023-05-25T12:30:00.000Z'],
    ['2023-05-25', '2023-05-25T00:00:00.000Z'],
    ['2023-05-25 12:30:00Z', '2023-05-25T12:30:00.000Z'],
    ['2023-05-25T12:30:00,5Z', '2023-05-25T12:30:00.500Z'],
    ['2023-05-25T14:30:00+02:00', '2023-05-25T12:30:00.000Z'],
    ['2023-05-25T10:30:00-0200', '2023-05-25T12:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['  2023-05-25T12:30:00Z  ', '2023-05-25T12:30:00.000Z'],
    ['0', '1970-01-01T00:00:00.000Z'],
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    ['-1000', '1969-12-31T23:59:59.000Z'],
  ];
  for (const [input, out] of cases) it(`${JSON.stringify(input)} → ${out}`, () => assert.equal(normaliseTimestamp(input), out));

  for (const bad of ['', 'now', '2023-13-01T00:00:00Z', '2023-02-30T00:00:00Z', '2023-05-25T25:00:00Z', '2023-05-25T12:60:00Z', '12:30', '2023/05/25', '1.5', '99999999999999999', 'T']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(normaliseTimestamp(bad), undefined));
  }
});

describe('timestampMicros', () => {
  it('orders instants with sub-millisecond digits', () => {
    const a = timestampMicros('2023-12-04T08:45:50.567149Z');
    const b = timestampMicros('2023-12-04T08:45:50.567150Z');
    assert.equal(b - a, 1);
    assert.equal(timestampMicros('1970-01-01T00:00:00.000Z'), 0);
    assert.equal(timestampMicros('1970-01-01T00:00:01.000Z'), 1_000_000);
    assert.equal(timestampMicros('1970-01-01T00:00:00.001Z'), 1_000);
  });
});
