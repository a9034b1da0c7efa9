/**
 * The configuration form's rules, without React (docs/ui.md "Configuration form"): which
 * fields show (`depends_on`), their starting values (sensitive ones never pre-filled), the
 * checks of `required` and `validations`, and the `values` sent back (typed by `type`; a
 * sensitive field only when the user typed a new value).
 */
import type { ConfigEntry, Configuration, ConfigScalar } from '../api/types';

/** What an input holds: text for text-like fields, a boolean for toggles. */
export type FieldValue = string | boolean;
export type FormValues = Record<string, FieldValue>;

export function orderedKeys(config: Configuration): string[] {
  return Object.keys(config).sort((a, b) => (config[a].order ?? 1e9) - (config[b].order ?? 1e9) || a.localeCompare(b));
}

export function isToggle(e: ConfigEntry): boolean {
  return e.display === 'toggle' || e.type === 'bool';
}

function current(e: ConfigEntry): unknown {
  return e.value ?? e.default_value ?? null;
}

/** Whether a sensitive field has a stored value (the UI shows "set", never the value). */
export function hasStoredValue(e: ConfigEntry): boolean {
  return e.value !== null && e.value !== undefined && e.value !== '';
}

function asInput(e: ConfigEntry, v: unknown): FieldValue {
  if (isToggle(e)) return v === true || v === 'true';
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function initialValues(config: Configuration): FormValues {
  const out: FormValues = {};
  for (const k of Object.keys(config)) out[k] = config[k].sensitive ? '' : asInput(config[k], current(config[k]));
  return out;
}

/** A field's value for `depends_on` comparisons: what the form holds, or the stored value of a sensitive field left blank. */
function effective(config: Configuration, values: FormValues, key: string): unknown {
  const e = config[key];
  if (!e) return undefined;
  const v = values[key];
  if (e.sensitive && v === '') return current(e);
  return v;
}

/** `depends_on`: every listed field holds the listed value (compared as Kibana does, by text). */
export function isVisible(config: Configuration, values: FormValues, key: string): boolean {
  const deps = config[key]?.depends_on ?? [];
  return deps.every((d) => String(effective(config, values, d.field) ?? '') === String(d.value ?? ''));
}

function isEmpty(v: FieldValue): boolean {
  return typeof v === 'string' && v.trim() === '';
}

/** The problem with one field's value, or null. Hidden fields are not checked. */
export function fieldError(config: Configuration, values: FormValues, key: string): string | null {
  const e = config[key];
  if (!isVisible(config, values, key) || isToggle(e)) return null;
  const v = values[key];
  if (isEmpty(v)) {
    if (e.required && !(e.sensitive && hasStoredValue(e)) && (e.default_value === null || e.default_value === undefined || e.default_value === '')) {
      return `${e.label} is required`;
    }
    return null;
  }
  const text = String(v).trim();
  const numeric = e.display === 'numeric' || e.type === 'int';
  if (numeric && !/^-?\d+$/.test(text)) return `${e.label} must be a whole number`;
  for (const val of e.validations ?? []) {
    const c = val.constraint;
    if (val.type === 'greater_than' && numeric && !(Number(text) > Number(c))) return `${e.label} must be greater than ${String(c)}`;
    if (val.type === 'less_than' && numeric && !(Number(text) < Number(c))) return `${e.label} must be less than ${String(c)}`;
    if (val.type === 'included_in' && Array.isArray(c)) {
      const items = e.type === 'list' ? splitList(text) : [text];
      const bad = items.find((i) => !c.map(String).includes(i));
      if (bad !== undefined) return `${e.label}: [${bad}] is not one of ${c.map(String).join(', ')}`;
    }
    if (val.type === 'regex' && typeof c === 'string') {
      let re: RegExp | null = null;
      try {
        re = new RegExp(c);
      } catch {
        re = null;
      }
      if (re && !re.test(text)) return `${e.label} must match ${c}`;
    }
    if (val.type === 'list_type' && c === 'int' && splitList(text).some((i) => !/^-?\d+$/.test(i))) return `${e.label} must be a list of whole numbers`;
  }
  return null;
}

export function formErrors(config: Configuration, values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(config)) {
    const err = fieldError(config, values, k);
    if (err) out[k] = err;
  }
  return out;
}

function splitList(text: string): string[] {
  return text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '');
}

function typed(e: ConfigEntry, v: FieldValue): ConfigScalar {
  if (isToggle(e)) return v === true;
  const text = String(v).trim();
  if (text === '') return null;
  if (e.type === 'int' || e.display === 'numeric') return Number(text);
  // A list as Kibana stores it: one comma-separated string (a textarea may hold one per line).
  if (e.type === 'list') return splitList(text).join(',');
  return text;
}

/**
 * The `values` of `PUT _connector/<id>/_configuration`: every non-sensitive field, typed; a
 * sensitive field only when something was typed into it, so a stored secret is never sent back.
 */
export function valuesToSend(config: Configuration, values: FormValues): Record<string, ConfigScalar> {
  const out: Record<string, ConfigScalar> = {};
  for (const k of orderedKeys(config)) {
    const e = config[k];
    if (e.sensitive && isEmpty(values[k])) continue;
    out[k] = typed(e, values[k]);
  }
  return out;
}

/** A whole configuration (schema with values), for a connector whose service has not registered one yet. */
export function configurationWithValues(config: Configuration, values: FormValues): Configuration {
  const sent = valuesToSend(config, values);
  const out: Configuration = {};
  for (const k of Object.keys(config)) out[k] = { ...config[k], value: k in sent ? sent[k] : (config[k].value ?? null) };
  return out;
}
