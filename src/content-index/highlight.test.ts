/** Highlight fragments: fragment_size in characters, number_of_fragments, order, no_match_size, encoder, bounds. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fragmentsOf, MARK_END as E, MARK_START as S } from './fragments.js';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';

const OPTS = { fragmentSize: 20, fragments: 5, pre: '<em>', post: '</em>', byScore: false, noMatchSize: 0, html: false };

describe('embedded index: highlight fragments', () => {
  let t: TempIndex;
  const hl = (query: unknown, highlight: Record<string, unknown>) => ((t.ci.search('h', { query, highlight }) as any).hits.hits[0]?.highlight);

  before(() => {
    t = tempIndex();
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i}`).join(' ');
    t.ci.bulk([
      { action: 'index', index: 'h', id: '1', source: { body: `${filler(30)} alpha ${filler(30)} alpha beta ${filler(30)} beta`, title: 'a <b> & "c"', tags: ['red alpha', 'blue'] } },
    ]);
  });
  after(() => t.cleanup());

  it('cuts fragments around matches, at word boundaries, in text order', () => {
    assert.deepEqual(fragmentsOf([`one two ${S}three${E} four five six seven eight nine ten ${S}eleven${E} twelve`], OPTS), ['two <em>three</em> four', 'ten <em>eleven</em> twelve']);
    // matches close together share a fragment, which scores higher
    assert.deepEqual(fragmentsOf([`aaaa bbbb ${S}x${E} ${S}y${E} cccc dddd eeee ffff gggg hhhh ${S}z${E} iiii`], { ...OPTS, fragments: 1 }), ['bbbb <em>x</em> <em>y</em> cccc']);
    assert.deepEqual(fragmentsOf([`${S}a${E} bb cc dd ee ff gg hh ii jj ${S}b${E} kk ${S}c${E}`], { ...OPTS, byScore: true }).map((f) => f.replace(/\s+/g, ' ')).length, 2);
    assert.deepEqual(fragmentsOf([`short ${S}hit${E}`], OPTS), ['short <em>hit</em>']);
    assert.deepEqual(fragmentsOf(['no marks'], OPTS), []);
  });

  it('number_of_fragments, fragment_size and order on a real field', () => {
    const frags = hl({ match: { body: 'alpha beta' } }, { fields: { body: { fragment_size: 30, number_of_fragments: 3 } } }).body as string[];
    assert.equal(frags.length, 3);
    assert.ok(frags.every((f) => f.length <= 60), frags.join(' | '));
    assert.ok(frags[0].includes('<em>alpha</em>') && frags[2].includes('<em>beta</em>'));
    const best = hl({ match: { body: 'alpha beta' } }, { fields: { body: { fragment_size: 30, number_of_fragments: 1 } } }).body as string[];
    assert.match(best[0], /<em>alpha<\/em> <em>beta<\/em>/);
    const byScore = hl({ match: { body: 'alpha beta' } }, { order: 'score', fields: { body: { fragment_size: 30, number_of_fragments: 2 } } }).body as string[];
    assert.match(byScore[0], /<em>alpha<\/em> <em>beta<\/em>/);
    const whole = hl({ match: { body: 'alpha' } }, { fields: { body: { number_of_fragments: 0 } } }).body as string[];
    assert.equal(whole.length, 1);
    assert.equal((whole[0].match(/<em>/g) ?? []).length, 2);
  });

  it('arrays: fragments of each matching value; wildcards; no_match_size; html encoder', () => {
    assert.deepEqual(hl({ match: { tags: 'alpha' } }, { fields: { 'ta*': {} } }), { tags: ['red <em>alpha</em>'] });
    assert.deepEqual(hl({ match: { body: 'alpha' } }, { fields: { title: { no_match_size: 6 } } }), { title: ['a <b>'] });
    assert.deepEqual(hl({ match: { title: 'c' } }, { encoder: 'html', fields: { title: {} } }), { title: ['a &lt;b&gt; &amp; &quot;<em>c</em>&quot;'] });
  });

  it('a huge value: its first million characters are analysed', () => {
    const big = 'word '.repeat(300_000) + 'needle';
    t.ci.indexDocument('big', '1', { body: `needle ${big}` });
    const res = (t.ci.search('big', { query: { match: { body: 'needle' } }, highlight: { fields: { body: { number_of_fragments: 3 } } } }) as any).hits.hits[0].highlight.body;
    assert.deepEqual(res.length, 1); // the needle past 1 000 000 characters is not analysed
  });
});
