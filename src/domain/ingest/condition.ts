/**
 * The one form of `if` condition Tributary runs: a comparison of a field with a literal,
 * `ctx?.a?.b == true` (or `!=`; `ctx.a.b`; literals true, false, null, numbers, quoted
 * strings) — what the connector pipelines test. No script engine runs; any other condition
 * is refused when the pipeline is stored, with a reason saying so.
 */
import { errors } from '../errors.js';
import { isPlainObject } from '../shared/json.js';

export type Condition = (source: Record<string, unknown>) => boolean;

const FORM = /^ctx(?:\?)?\.((?:[A-Za-z_@][A-Za-z0-9_@]*)(?:\??\.[A-Za-z_@][A-Za-z0-9_@]*)*)\s*(==|!=)\s*(true|false|null|-?\d+(?:\.\d+)?|'[^'\\]*'|"[^"\\]*")$/;

export function compileCondition(text: unknown, processorType: string): Condition {
  const reason = `processor [${processorType}]: conditions ([if]) are not supported, except a comparison of a field with a literal such as [ctx?._extract_binary_content == true]; no scripts run in Tributary`;
  if (typeof text !== 'string' || text.length > 500) throw errors.badBody(reason);
  const m = FORM.exec(text.trim());
  if (!m) throw errors.badBody(reason);
  const path = m[1]!.split(/\??\./);
  const raw = m[3]!;
  const literal: unknown = raw.startsWith("'") || raw.startsWith('"') ? raw.slice(1, -1) : JSON.parse(raw);
  const equal = m[2] === '==';
  return (source) => {
    let cur: unknown = source;
    for (const k of path) cur = isPlainObject(cur) && Object.hasOwn(cur, k) ? cur[k] : null;
    return (cur === literal) === equal;
  };
}
