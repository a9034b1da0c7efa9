import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexBody } from './index-body.js';
import { analyzerFor } from './language.js';

test('connector language codes map to built-in analysers; unknown → standard', () => {
  const cases: Array<[string | null | undefined, string]> = [
    ['en', 'english'], ['EN', 'english'], ['en-US', 'english'], ['en_GB', 'english'], ['de', 'german'], ['fr', 'french'],
    ['es', 'spanish'], ['it', 'italian'], ['nl', 'dutch'], ['pt', 'portuguese'], ['pt-br', 'brazilian'], ['pt-BR', 'brazilian'],
    ['da', 'danish'], ['ru', 'russian'], ['th', 'thai'], ['ja', 'cjk'], ['ko', 'cjk'], ['zh', 'cjk'], ['sv', 'swedish'],
    ['german', 'german'], ['xx', 'standard'], ['', 'standard'], [null, 'standard'], [undefined, 'standard'], ['Universal', 'standard'],
  ];
  for (const [code, analyzer] of cases) assert.equal(analyzerFor(code), analyzer, String(code));
});

test('content index body: dynamic, typed runtime fields, language analyser on body and dynamic strings', () => {
  assert.deepEqual(indexBody('search-docs', 'de'), {
    mappings: {
      dynamic: true,
      dynamic_templates: [
        { strings: { match_mapping_type: 'string', mapping: { type: 'text', analyzer: 'german', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } } },
      ],
      properties: {
        id: { type: 'keyword' },
        _timestamp: { type: 'date' },
        body: { type: 'text', analyzer: 'german' },
        _allow_access_control: { type: 'keyword', fields: { enum: { type: 'keyword' } } },
        _allow_permissions: { type: 'keyword' },
        _tributary_generation: { type: 'long' },
      },
    },
  });
});

test('access-control indices are never stemmed', () => {
  const m = indexBody('.search-acl-filter-search-docs', 'en').mappings as { properties: { body: { analyzer: string } } };
  assert.equal(m.properties.body.analyzer, 'standard');
});
