/**
 * The mustache subset of templated role queries (document-level security, docs/security.md
 * "Document- and field-level security"): `{{name}}` (a variable, JSON-escaped),
 * `{{#toJson}}name{{/toJson}}` (the value as JSON) and `{{#join}}name{{/join}}` (a list joined
 * with commas, escaped). Names are dotted paths into `_user` (`_user.username`,
 * `_user.metadata.*`, `_user.roles`, …) or into the template's `params`. Nothing else of
 * mustache is accepted (no triple braces, no other sections, no partials): a template using it
 * is refused, never rendered loosely.
 *
 * Injection: a variable inside a JSON string is JSON-escaped (its quotes and backslashes cannot
 * end the string); a variable outside any string is written as a JSON literal (a string gets
 * its quotes). So whatever a user name or metadata value holds, it stays one JSON value.
 *
 * Pure: no I/O.
 */

export const MAX_TEMPLATE_CHARS = 64 * 1024;
export const MAX_RENDERED_CHARS = 256 * 1024;

export interface TemplateUser {
  username: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
}

export class TemplateError extends Error {}

type Part = { text: string } | { name: string; mode: 'escape' | 'json' | 'join'; inString: boolean };

const NAME = /^[A-Za-z0-9_@$-]+(\.[A-Za-z0-9_@$-]+)*$/;
const SIGILS = '#/^&!>{=';

/** One `{{…}}` tag at or after `from`: its bounds and trimmed content; null when there is none. */
function nextTag(source: string, from: number): { open: number; end: number; sigil: string; name: string; whole: string } | null {
  const open = source.indexOf('{{', from);
  if (open < 0) return null;
  const close = source.indexOf('}}', open + 2);
  if (close < 0) throw new TemplateError('unclosed mustache tag in the template');
  const inner = source.slice(open + 2, close).trim();
  const sigil = inner !== '' && SIGILS.includes(inner[0]!) ? inner[0]! : '';
  return { open, end: close + 2, sigil, name: inner.slice(sigil.length).trim(), whole: source.slice(open, close + 2) };
}

/** Parses a template once (a linear scan, no backtracking); throws `TemplateError` naming what is not supported. */
export function parseTemplate(source: string): Part[] {
  if (source.length > MAX_TEMPLATE_CHARS) throw new TemplateError(`the template is longer than [${MAX_TEMPLATE_CHARS}] characters`);
  if (source.includes('{{{')) throw new TemplateError('triple mustache [{{{…}}}] (unescaped output) is not supported in role queries');
  const parts: Part[] = [];
  let last = 0;
  let inString = false;
  const text = (t: string) => {
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (c === '\\' && inString) i++;
      else if (c === '"') inString = !inString;
    }
    parts.push({ text: t });
  };
  for (let tag = nextTag(source, 0); tag; tag = nextTag(source, last)) {
    text(source.slice(last, tag.open));
    last = tag.end;
    if (tag.sigil === '') {
      if (!NAME.test(tag.name)) throw new TemplateError(`invalid template variable [${tag.name}]`);
      parts.push({ name: tag.name, mode: 'escape', inString });
      continue;
    }
    const section = tag.name;
    if (tag.sigil !== '#' || (section !== 'toJson' && section !== 'join')) {
      throw new TemplateError(`the mustache tag [${tag.whole}] is not supported in role queries (only {{name}}, {{#toJson}}name{{/toJson}} and {{#join}}name{{/join}})`);
    }
    const closing = nextTag(source, last);
    const name = closing ? source.slice(last, closing.open).trim() : '';
    if (!closing || closing.sigil !== '/' || closing.name !== section || !NAME.test(name)) {
      throw new TemplateError(`[{{#${section}}}] must enclose one variable name and be closed by [{{/${section}}}]`);
    }
    parts.push({ name, mode: section === 'toJson' ? 'json' : 'join', inString });
    last = closing.end;
  }
  text(source.slice(last));
  return parts;
}

function lookup(scope: Record<string, unknown>, name: string): unknown {
  let v: unknown = scope;
  for (const key of name.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Renders a parsed template for `user` with `params`; the result is bounded in size. */
export function renderTemplate(parts: Part[], user: TemplateUser, params: Record<string, unknown> = {}): string {
  const scope = { ...params, _user: user };
  let out = '';
  for (const p of parts) {
    if ('text' in p) out += p.text;
    else {
      const v = lookup(scope, p.name);
      let s: string;
      if (p.mode === 'json') s = JSON.stringify(v ?? null);
      else if (p.mode === 'join') s = Array.isArray(v) ? v.map(text).join(',') : text(v);
      else s = text(v);
      if (p.mode === 'json' && !p.inString) out += s;
      else if (p.inString) out += JSON.stringify(s).slice(1, -1);
      else out += JSON.stringify(p.mode === 'escape' && (typeof v === 'number' || typeof v === 'boolean') ? v : s);
    }
    if (out.length > MAX_RENDERED_CHARS) throw new TemplateError(`the rendered role query is longer than [${MAX_RENDERED_CHARS}] characters`);
  }
  return out;
}
