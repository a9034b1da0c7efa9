import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRuleRegex, RULE_REGEX_LIMITS } from './rule-regex.js';
import { compileBasicRules, validateBasicRules, type RuleInput } from './sync-rules.js';

const rule = (value: string): RuleInput => ({ id: 'r', order: 0, policy: 'exclude', field: 'body', rule: 'regex', value });

describe('rule regexes run in linear time (issue 11 item 6)', () => {
  it('catastrophic patterns for a backtracking engine answer in milliseconds', () => {
    const body = 'a'.repeat(30_000) + '!';
    const started = performance.now();
    for (const value of ['(a+)+$', '(a|aa)*$', '(a*)*b', '.*.*.*.*.*.*.*.*b', '(x+x+)+y|(a|a?)+$', '(?:a|b|ab|ba)*(?:aab|bba){50}c']) {
      const matcher = compileBasicRules([rule(value)]);
      assert.equal(matcher({ body }), true, `${value} does not match, so the document is included`);
    }
    const took = performance.now() - started;
    // V8's backtracking engine needs longer than the age of the universe for the first one.
    assert.ok(took < 2000, `took ${Math.round(took)} ms`);
  });

  it('Python re.match semantics are kept', () => {
    assert.equal(compileRuleRegex('docs')('/docs/a'), false, 'anchored at the start');
    assert.equal(compileRuleRegex('/docs/')('/docs/a'), true, 'not at the end');
    assert.equal(compileRuleRegex('.*\\.md$')('a.md.bak'), false);
    assert.equal(compileRuleRegex('(?i)report')('REPORT'), true);
    assert.equal(compileRuleRegex('(?s)a.b')('a\nb'), true);
    assert.equal(compileRuleRegex('a.b')('a\nb'), false);
    assert.equal(compileRuleRegex('(?m)^b')('a\nb'), false, 're.match stays at the start even with (?m)');
    assert.equal(compileRuleRegex('\\Aabc\\Z')('abc'), true);
    assert.equal(compileRuleRegex('\\Aabc\\Z')('abcd'), false);
    assert.equal(compileRuleRegex('[]a]+$')(']a]'), true);
    assert.equal(compileRuleRegex('[^]a]+$')('bc'), true);
    assert.equal(compileRuleRegex('ab(?#comment)c')('abc'), true);
    assert.equal(compileRuleRegex('(?P<y>\\d{4})')('2024'), true);
  });

  it('what RE2 cannot do, and what is too big, is an invalid regex with a reason', () => {
    const reason = (value: string) => validateBasicRules([{ ...rule(value), policy: 'include' }])[0]?.messages[0] ?? '';
    assert.match(reason('(?P<y>a)(?P=y)'), /backreferences \(\(\?P=name\)\) are not supported: Tributary runs rule regexes with a linear-time engine/);
    assert.match(reason('(a)\\1'), /backreferences \(\\1\) are not supported/);
    assert.match(reason('a(?=b)'), /lookahead and lookbehind are not supported/);
    assert.match(reason('(?<!x)a'), /lookahead and lookbehind are not supported/);
    assert.match(reason('a)|(b'), /invalid regex \[a\)\|\(b\]: unexpected \)/);
    assert.match(reason('x'.repeat(RULE_REGEX_LIMITS.maxPatternLength + 1)), /longer than \[1000\] characters/);
    assert.match(reason('.{1000}.{1000}.{1000}.{1000}.{1000}'), /too complex: it compiles to \[\d+\] instructions, at most \[4000\]/);
    assert.match(reason('(?x)a b'), /inline flag \(\?x\) is not supported/);
  });

  it('a long value is examined up to the work budget, and costs bounded time however the DFA fares', () => {
    let text = '';
    for (let i = 0, seed = 1; i < 200_000; i++) text += (seed = (seed * 48271) % 2147483647) & 1 ? 'a' : 'b';
    const started = performance.now();
    // A pattern whose DFA explodes (2^200 states): RE2 falls back to its NFA.
    assert.equal(compileRuleRegex('.*a.{200}c$')(text + 'c'), false);
    const took = performance.now() - started;
    assert.ok(took < 3000, `took ${Math.round(took)} ms`);
    const short = compileRuleRegex('.*c');
    assert.equal(short('a'.repeat(100_000) + 'c'), true, 'a small program sees a long value');
  });
});
