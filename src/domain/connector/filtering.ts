/**
 * Connector filtering (sync rules) documents: parsing with Elasticsearch's lenient nested
 * parsers, the default filtering, default-rule detection and draft-rule normalisation
 * (connector-api.md §3.3, §6.12–§6.14).
 */
import { errors } from '../errors.js';
import { isPlainObject } from '../shared/json.js';
import {
  arrayOf, enumOf, long, nested, parseLenient, str, timestamp, type FieldParser, type ObjectSpec,
} from '../shared/parse.js';
import { FILTERING_POLICIES, FILTERING_RULE_CONDITIONS, FILTERING_VALIDATION_STATES } from './enums.js';

export interface FilteringRule {
  created_at: string;
  field: string;
  id: string;
  order: number;
  policy: (typeof FILTERING_POLICIES)[number];
  rule: (typeof FILTERING_RULE_CONDITIONS)[number];
  updated_at: string;
  value: string;
}
/** The fields of a rule that matching uses (timestamps are irrelevant there). */
export type BasicRule = Pick<FilteringRule, 'id' | 'field' | 'policy' | 'rule' | 'value' | 'order'>;
export interface AdvancedSnippet { created_at: string; updated_at: string; value: unknown }
export interface ValidationInfo { errors: { ids: string[]; messages: string[] }[]; state: (typeof FILTERING_VALIDATION_STATES)[number] }
export interface FilteringRules { advanced_snippet: AdvancedSnippet; rules: FilteringRule[]; validation: ValidationInfo }
export interface ConnectorFiltering { active: FilteringRules; domain: 'DEFAULT'; draft: FilteringRules }

export function defaultRule(now: string, order = 0): FilteringRule {
  return { created_at: now, field: '_', id: 'DEFAULT', order, policy: 'include', rule: 'regex', updated_at: now, value: '.*' };
}

export function defaultFilteringRules(now: string): FilteringRules {
  return {
    advanced_snippet: { created_at: now, updated_at: now, value: {} },
    rules: [defaultRule(now)],
    validation: { errors: [], state: 'valid' },
  };
}

export function defaultFiltering(now: string): ConnectorFiltering {
  return { active: defaultFilteringRules(now), domain: 'DEFAULT', draft: defaultFilteringRules(now) };
}

export function isDefaultRule(r: Pick<FilteringRule, 'field' | 'id' | 'policy' | 'rule' | 'value'>): boolean {
  return r.field === '_' && r.id === 'DEFAULT' && r.policy === 'include' && r.rule === 'regex' && r.value === '.*';
}

/** Parsers bound to a request's "now" (timestamps default to it). */
export function filteringParsers(now: string) {
  const ruleSpec: ObjectSpec = {
    created_at: { parse: timestamp, nullable: true },
    field: { parse: str, required: true },
    id: { parse: str, required: true },
    order: { parse: long, required: true },
    policy: { parse: enumOf(FILTERING_POLICIES, (v) => `Unknown FilteringPolicy [${v}].`), required: true },
    rule: { parse: enumOf(FILTERING_RULE_CONDITIONS, (v) => `Unknown FilteringRuleCondition [${v}].`, true), required: true },
    updated_at: { parse: timestamp, nullable: true },
    value: { parse: str, required: true },
  };
  const rule: FieldParser = (v, f, p) => {
    const r = nested('filtering_rule', ruleSpec)(v, f, p) as Record<string, unknown>;
    return {
      created_at: r.created_at ?? now, field: r.field, id: r.id, order: r.order, policy: r.policy,
      rule: r.rule, updated_at: r.updated_at ?? now, value: r.value,
    } as FilteringRule;
  };
  const snippetValue: FieldParser = (v) => {
    if (typeof v !== 'object' || v === null) {
      throw errors.parse('[filtering_advanced_snippet] failed to parse field [value]', {
        type: 'illegal_argument_exception',
        reason: `Unsupported token [${v === null ? 'VALUE_NULL' : typeof v === 'string' ? 'VALUE_STRING' : 'VALUE_NUMBER'}]. Expected an array or an object.`,
      });
    }
    return v;
  };
  const snippet: FieldParser = (v, f, p) => {
    const s = nested('filtering_advanced_snippet', {
      created_at: { parse: timestamp, nullable: true },
      updated_at: { parse: timestamp, nullable: true },
      value: { parse: snippetValue, required: true },
    })(v, f, p) as Record<string, unknown>;
    return { created_at: s.created_at ?? now, updated_at: s.updated_at ?? now, value: s.value } as AdvancedSnippet;
  };
  const validationError: FieldParser = nested('filtering_validation', {
    ids: { parse: arrayOf(str), required: true },
    messages: { parse: arrayOf(str), required: true },
  });
  const validation: FieldParser = (v, f, p) => {
    const x = nested('filtering_validation_info', {
      errors: { parse: arrayOf(validationError), required: true },
      state: { parse: enumOf(FILTERING_VALIDATION_STATES, (s) => `Unknown FilteringValidationState [${s}].`), required: true },
    })(v, f, p) as Record<string, unknown>;
    return { errors: x.errors, state: x.state } as ValidationInfo;
  };
  const rules: FieldParser = (v, f, p) => {
    const x = nested('filtering_rules', {
      advanced_snippet: { parse: snippet, required: true },
      rules: { parse: arrayOf(rule), required: true },
      validation: { parse: validation, required: true },
    })(v, f, p) as Record<string, unknown>;
    return { advanced_snippet: x.advanced_snippet, rules: x.rules, validation: x.validation } as FilteringRules;
  };
  const filtering: FieldParser = (v, f, p) => {
    const x = nested('connector_filtering', {
      active: { parse: rules, required: true },
      domain: { parse: str, nullable: true },
      draft: { parse: rules, required: true },
    })(v, f, p) as Record<string, unknown>;
    // 9.x ignores a supplied domain and always writes DEFAULT.
    return { active: x.active, domain: 'DEFAULT', draft: x.draft } as ConnectorFiltering;
  };
  return { rule, snippet, validation, rules, filtering };
}

/**
 * Draft-rule normalisation (§3.3): drop default rules, stable-sort by order, append one
 * default rule after the last order, keeping the first supplied default rule's created_at.
 */
export function normaliseDraftRules(rules: FilteringRule[], now: string): FilteringRule[] {
  if (rules.length === 0) return [defaultRule(now)];
  const firstDefault = rules.find(isDefaultRule);
  const others = rules.filter((r) => !isDefaultRule(r)).map((r, i) => ({ r, i }));
  others.sort((a, b) => a.r.order - b.r.order || a.i - b.i);
  const sorted = others.map((x) => x.r);
  const order = sorted.length > 0 ? sorted[sorted.length - 1].order + 1 : 0;
  const ts = firstDefault?.created_at ?? now;
  return [...sorted, { ...defaultRule(ts, order), created_at: ts, updated_at: ts }];
}

/**
 * Reads the single filtering element of a stored connector, or a default one. Takes any
 * document: one written through the system index (`_update`) may hold anything there.
 */
export function firstFiltering(doc: { filtering?: unknown }, now: string): ConnectorFiltering {
  const f: unknown = doc.filtering;
  // An object element is taken as the filtering it should be; anything else gets the default.
  const first: ConnectorFiltering | undefined = Array.isArray(f) ? f[0] : undefined;
  return isPlainObject(first) ? first : defaultFiltering(now);
}
