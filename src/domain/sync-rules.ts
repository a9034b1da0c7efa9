/**
 * Basic sync rules (connector-api.md §3.3, runtime.md "Sync rules"): compile the rules of the
 * active filtering into a document matcher, and validate a draft's rules for the filtering
 * validation flow. Semantics follow Elastic's connectors framework (`BasicRule`,
 * `BasicRuleEngine` and the default basic-rule validators); docs/sync-rules.md describes them.
 */

import { FILTERING_RULE_CONDITIONS } from './connector/enums.js';
import type { BasicRule } from './connector/filtering.js';
import { compileRuleRegex } from './rule-regex.js';
import { isPlainObject } from './shared/json.js';
import { normaliseTimestamp } from './shared/time.js';

/**
 * A rule as read from a draft or a job snapshot: the fields of `BasicRule` that matching
 * uses, with policy and condition still unchecked strings (validation reports bad ones, and
 * `EXCLUDE` in capitals is accepted as Elastic's engine does).
 */
export type RuleInput = Omit<BasicRule, 'policy' | 'rule'> & { policy: string; rule: string };

/** Decides whether a document is ingested. */
export type DocumentMatcher = (doc: Record<string, unknown>) => boolean;

/** Shaped like `ValidationInfo.errors` entries, so the draft validation flow can store them. */
export interface RuleValidationError {
  ids: string[];
  messages: string[];
}

/**
 * Rules sorted by `order` (stable); the first rule that matches decides by its policy. A
 * document no rule matches is included, as in Elastic's engine. Throws when a rule cannot be
 * evaluated (unknown condition or policy, invalid regex), naming the rule.
 */
export function compileBasicRules(rules: readonly RuleInput[]): DocumentMatcher {
  const problems = rules.flatMap((r, i) => evaluationProblems(r).map((m) => `${ruleLabel(r, i)}: ${m}`));
  if (problems.length > 0) throw new Error(`Cannot apply sync rules: ${problems.join('; ')}`);
  const compiled = [...rules]
    .sort((a, b) => a.order - b.order)
    .map((r) => ({ include: r.policy.toLowerCase() === 'include', matches: compileRule(r) }));
  return (doc) => {
    for (const rule of compiled) if (rule.matches(doc)) return rule.include;
    return true;
  };
}

/**
 * Problems in a set of rules, empty when they are valid: per-rule shape (non-empty id, field
 * and value, numeric order, known policy and condition), regexes that do not compile, a
 * match-all regex outside the catch-all rule, duplicate ids, and rules with the same field,
 * condition and value. `<`/`>` with a non-numeric value is valid: it compares dates or strings.
 */
export function validateBasicRules(rules: readonly RuleInput[]): RuleValidationError[] {
  const out: RuleValidationError[] = [];
  rules.forEach((r, i) => {
    const messages = [...shapeProblems(r), ...evaluationProblems(r)];
    if (r.rule === 'regex' && MATCH_ALL.includes(r.value) && r.field !== '_') {
      messages.push(`regex [${r.value}] matches everything; only the default rule (field "_") may use it`);
    }
    if (messages.length > 0) out.push({ ids: idsOf(r), messages: messages.map((m) => `${ruleLabel(r, i)}: ${m}`) });
  });

  const byId = new Map<string, number>();
  for (const r of rules) if (typeof r.id === 'string' && r.id !== '') byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
  for (const [id, count] of byId) {
    if (count > 1) out.push({ ids: [id], messages: [`Rule id [${id}] is used by ${count} rules; rule ids must be unique`] });
  }

  // Elastic reports semantic duplicates once per rule, so a UI highlights both.
  const seen = new Map<string, RuleInput>();
  for (const r of rules) {
    const key = JSON.stringify([r.field, r.rule, r.value]);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, r);
      continue;
    }
    const what = `[${r.field} ${r.rule} ${r.value}]`;
    out.push({ ids: [r.id], messages: [`Rule [${r.id}] has the same field, condition and value ${what} as rule [${first.id}]; remove one of them`] });
    out.push({ ids: [first.id], messages: [`Rule [${first.id}] has the same field, condition and value ${what} as rule [${r.id}]; remove one of them`] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const MATCH_ALL = ['.*', '(.*)'];

function ruleLabel(r: RuleInput, index: number): string {
  return typeof r.id === 'string' && r.id !== '' ? `Rule [${r.id}]` : `Rule at position ${index}`;
}

function idsOf(r: RuleInput): string[] {
  return typeof r.id === 'string' && r.id !== '' ? [r.id] : [];
}

/** Checks that do not stop evaluation, reported by validation only (Elastic's rule schema). */
function shapeProblems(r: RuleInput): string[] {
  const out: string[] = [];
  if (typeof r.id !== 'string' || r.id === '') out.push('id must be a non-empty string');
  if (r.field === '') out.push('field must not be empty');
  if (r.value === '') out.push('value must not be empty');
  return out;
}

/** What stops a rule from being evaluated at all; compileBasicRules refuses these. */
function evaluationProblems(r: RuleInput): string[] {
  const out: string[] = [];
  const policy = typeof r.policy === 'string' ? r.policy.toLowerCase() : r.policy;
  if (policy !== 'include' && policy !== 'exclude') out.push(`unknown policy [${String(r.policy)}], expected include or exclude`);
  if (typeof r.field !== 'string') out.push('field must be a string');
  if (typeof r.value !== 'string') out.push('value must be a string');
  if (typeof r.order !== 'number' || !Number.isFinite(r.order)) out.push('order must be a number');
  if (!(FILTERING_RULE_CONDITIONS as readonly unknown[]).includes(r.rule)) {
    out.push(`unknown condition [${String(r.rule)}], expected one of ${FILTERING_RULE_CONDITIONS.join(', ')}`);
  } else if (r.rule === 'regex' && typeof r.value === 'string') {
    try {
      compileRuleRegex(r.value);
    } catch (e) {
      out.push(`invalid regex [${r.value}]: ${(e as Error).message}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching

function isMatchAll(r: RuleInput): boolean {
  return r.field === '_' && r.rule === 'regex' && r.value === '.*';
}

function compileRule(r: RuleInput): DocumentMatcher {
  if (isMatchAll(r)) return () => true;
  const test = compileCondition(r.rule, r.value);
  return (doc) => fieldValues(doc, r.field).some(test);
}

function compileCondition(rule: string, value: string): (v: unknown) => boolean {
  switch (rule) {
    case 'contains':
      return (v) => text(v).includes(value);
    case 'starts_with':
      return (v) => text(v).startsWith(value);
    case 'ends_with':
      return (v) => text(v).endsWith(value);
    case 'regex': {
      const test = compileRuleRegex(value);
      return (v) => test(text(v));
    }
    case 'equals': {
      const num = toNumber(value);
      const date = toDate(value);
      const bool = toBoolean(value);
      return (v) => {
        if (typeof v === 'boolean' && bool !== undefined) return v === bool;
        if (v instanceof Date && date !== undefined) return v.getTime() === date;
        const n = toNumber(v);
        if (n !== undefined && num !== undefined) return n === num;
        return text(v) === value;
      };
    }
    case '<':
    case '>': {
      const sign = rule === '<' ? -1 : 1;
      const num = toNumber(value);
      const date = toDate(value);
      return (v) => {
        const n = toNumber(v);
        if (n !== undefined && num !== undefined) return Math.sign(n - num) === sign;
        const d = toDate(v);
        if (d !== undefined && date !== undefined) return Math.sign(d - date) === sign;
        const t = text(v);
        return t === value ? false : (t < value ? -1 : 1) === sign;
      };
    }
    default:
      throw new Error(`unknown condition [${rule}]`); // unreachable after evaluationProblems
  }
}

/**
 * The values at `field`: a key literally named `field` wins, otherwise the dots walk nested
 * objects (at each level the longest key that exists). Arrays on the way or at the end are
 * flattened, so a rule matches when any element matches. null and undefined count as missing.
 */
function fieldValues(doc: unknown, field: string): unknown[] {
  const out: unknown[] = [];
  walk(doc, field.split('.'), 0, out);
  return out;
}

function walk(node: unknown, path: string[], at: number, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const el of node) walk(el, path, at, out);
    return;
  }
  if (at === path.length) {
    if (node !== null && node !== undefined) out.push(node);
    return;
  }
  if (!isPlainObject(node)) return;
  for (let end = path.length; end > at; end--) {
    const key = path.slice(at, end).join('.');
    if (Object.hasOwn(node, key)) {
      walk(node[key], path, end, out);
      return;
    }
  }
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && DECIMAL.test(v.trim())) return Number(v);
  return undefined;
}

/** Epoch millis for a Date or an ISO-8601 date(-time) string; plain numbers are not dates. */
function toDate(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v !== 'string' || toNumber(v) !== undefined) return undefined;
  const iso = normaliseTimestamp(v);
  return iso === undefined ? undefined : Date.parse(iso);
}

/** Elastic's boolean spellings for rule values compared with a boolean field. */
function toBoolean(v: string): boolean | undefined {
  if (/^(true|t|yes|y|on)$/i.test(v)) return true;
  if (/^(false|f|no|n|off)$/i.test(v)) return false;
  return undefined;
}
