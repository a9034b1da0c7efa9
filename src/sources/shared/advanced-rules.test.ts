import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstKeyword, hasAdvancedRules, parseAdvancedRules, validateQueryRules } from './advanced-rules.js';

test('no rules: {} [] null', () => {
  for (const v of [{}, [], null, undefined]) assert.equal(hasAdvancedRules(v), false);
  assert.deepEqual(parseAdvancedRules({}), { rules: [], messages: [], positions: [] });
});

test('shape errors name the rule and the reason', () => {
  assert.match(parseAdvancedRules({ query: 'x' }).messages[0], /must be a list/);
  const { messages } = parseAdvancedRules([
    { tables: ['t'], query: 'SELECT 1' },
    { tables: [], query: 'SELECT 1' },
    { tables: ['t'], query: 'DELETE FROM t' },
    { tables: ['t'], query: 'SELECT 1; DROP TABLE t', extra: 1 },
    'nope',
  ]);
  assert.deepEqual(messages, [
    'Rule 2: "tables" must be a non-empty list of table names.',
    'Rule 3: "query" must be a SELECT statement; it starts with DELETE.',
    'Rule 4: unknown key "extra" (allowed: tables, query, id_columns).',
    'Rule 4: "query" must be a single statement.',
    'Rule 5: must be an object with "tables" and "query".',
  ]);
  const ok = parseAdvancedRules([{ tables: ['t'], query: "  SELECT ';' FROM t; ", id_columns: ['id'] }]);
  assert.deepEqual(ok, { rules: [{ tables: ['t'], query: "SELECT ';' FROM t", id_columns: ['id'] }], messages: [], positions: [0] });
  assert.equal(firstKeyword('/* c */ -- x\n ( with q as (select 1) select * from q)'), 'WITH');
});

test('validateQueryRules checks tables and server parsing', async () => {
  const checker = { listTables: async () => ['a', 'b'], checkQuery: async (q: string) => (q.includes('oops') ? 'syntax error' : null) };
  assert.deepEqual(await validateQueryRules(checker, [{ tables: ['a'], query: 'SELECT 1' }], 'schema "s"'), { valid: true, messages: [] });
  assert.deepEqual(await validateQueryRules(checker, [{ tables: ['a', 'c'], query: 'SELECT oops' }], 'schema "s"'), {
    valid: false,
    messages: ['Rule 1: tables not found or not readable in schema "s": c.', 'Rule 1: the query does not parse: syntax error.'],
  });
  const mixed = await validateQueryRules(checker, [{ tables: ['c'], query: 'SELECT 1' }, { tables: [] }], 'schema "s"');
  assert.deepEqual(mixed.messages.map((m) => m.slice(0, 6)), ['Rule 1', 'Rule 2', 'Rule 2']);
});
