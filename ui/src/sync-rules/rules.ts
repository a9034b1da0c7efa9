/**
 * The sync rules editor's model (connector-api.md §3.3, docs/sync-rules.md): the draft's basic
 * rules without the default catch-all (always last, never edited), the advanced snippet as JSON
 * text, the draft's state against the active rules, and the checks made before saving: the
 * server's own basic-rule validation (src/domain/sync-rules.ts, the one the connector service
 * runs) and the advanced snippet's JSON shape.
 */
import { validateBasicRules } from '../../../src/domain/sync-rules';
import type { ConnectorFiltering, FilteringRule, FilteringRules, RuleCondition, RulePolicy } from '../api/types';

export const POLICIES: RulePolicy[] = ['include', 'exclude'];
export const CONDITIONS: { value: RuleCondition; label: string }[] = [
  { value: 'equals', label: 'equals' },
  { value: 'contains', label: 'contains' },
  { value: 'starts_with', label: 'starts with' },
  { value: 'ends_with', label: 'ends with' },
  { value: 'regex', label: 'regex' },
  { value: '<', label: 'less than' },
  { value: '>', label: 'greater than' },
];
/** Bounds of what the editor sends (the server and the connector service bound them too). */
export const MAX_RULES = 100;
export const MAX_SNIPPET_CHARS = 64 * 1024;

export interface EditableRule {
  id: string;
  policy: RulePolicy;
  field: string;
  rule: RuleCondition;
  value: string;
}

export function isDefaultRule(r: Pick<FilteringRule, 'id' | 'field' | 'policy' | 'rule' | 'value'>): boolean {
  return r.id === 'DEFAULT' && r.field === '_' && r.policy === 'include' && r.rule === 'regex' && r.value === '.*';
}

export const DEFAULT_RULE: EditableRule = { id: 'DEFAULT', policy: 'include', field: '_', rule: 'regex', value: '.*' };

export function filteringOf(filtering: ConnectorFiltering[] | undefined): ConnectorFiltering | null {
  return filtering?.[0] ?? null;
}

/** The rules a user edits: sorted by order, the default rule left out. */
export function editableRules(rules: FilteringRules | undefined): EditableRule[] {
  return [...(rules?.rules ?? [])]
    .sort((a, b) => a.order - b.order)
    .filter((r) => !isDefaultRule(r))
    .map(({ id, policy, field, rule, value }) => ({ id, policy, field, rule, value }));
}

export function snippetText(rules: FilteringRules | undefined): string {
  const v = rules?.advanced_snippet?.value;
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '';
  return JSON.stringify(v, null, 2);
}

let counter = 0;
export function newRuleId(): string {
  const c = globalThis.crypto;
  return typeof c?.randomUUID === 'function' ? c.randomUUID() : `rule-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/** The draft body: rules in order, the default rule last; the snippet parsed (`{}` when empty). */
export function draftBody(rules: EditableRule[], snippet: string): { rules: FilteringRule[]; advanced_snippet: { value: unknown } } {
  const all = [...rules, DEFAULT_RULE].map((r, order) => ({ ...r, order }));
  return { rules: all, advanced_snippet: { value: snippet.trim() ? JSON.parse(snippet) : {} } };
}

/** Why the advanced snippet cannot be saved, or null. */
export function snippetProblem(text: string): string | null {
  if (!text.trim()) return null;
  if (text.length > MAX_SNIPPET_CHARS) return `The advanced rules are longer than ${MAX_SNIPPET_CHARS} characters`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`;
  }
  if (typeof v !== 'object' || v === null) return 'The advanced rules must be a JSON object or array';
  return null;
}

/** Problems of the basic rules, by rule id (the connector service's own checks), plus the bound. */
export function ruleProblems(rules: EditableRule[]): { byId: Map<string, string[]>; general: string[] } {
  const byId = new Map<string, string[]>();
  const general: string[] = [];
  if (rules.length > MAX_RULES) general.push(`At most ${MAX_RULES} rules`);
  const found = validateBasicRules([...rules, DEFAULT_RULE].map((r, order) => ({ ...r, order })));
  for (const e of found) {
    for (const id of e.ids.length ? e.ids : ['']) {
      if (!id) general.push(...e.messages);
      // Shown on the rule's own row: the "Rule [id]: " prefix would only repeat a generated id.
      else byId.set(id, [...(byId.get(id) ?? []), ...e.messages.map((m) => m.replace(`Rule [${id}]: `, ''))]);
    }
  }
  return { byId, general };
}

function sameRules(a: FilteringRules, b: FilteringRules): boolean {
  const key = (r: FilteringRules) => JSON.stringify([editableRules(r), r.advanced_snippet?.value ?? {}]);
  return key(a) === key(b);
}

export type DraftStatus = 'edited' | 'invalid' | 'valid-pending' | 'active';

/** Where the draft is in the draft → validation → active flow. */
export function draftStatus(f: ConnectorFiltering | null): DraftStatus {
  if (!f) return 'active';
  const state = f.draft?.validation?.state;
  if (state === 'edited') return 'edited';
  if (state === 'invalid') return 'invalid';
  return f.active && f.draft && sameRules(f.active, f.draft) ? 'active' : 'valid-pending';
}
