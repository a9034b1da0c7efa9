/**
 * Connector configuration entries (connector-api.md §3.4): parsing with the lenient nested
 * parser and the normalised stored form written by the full-replace path.
 */
import { errors } from '../errors.js';
import { isPlainObject, setOwn } from '../shared/json.js';
import { any, arrayOf, bool, enumOf, long, nested, scalar, str, type FieldParser } from '../shared/parse.js';
import { CONFIG_DISPLAY_TYPES, CONFIG_FIELD_TYPES, CONFIG_VALIDATION_TYPES } from './enums.js';

const dependsOn = nested('config_dependency', {
  field: { parse: str, required: true },
  value: { parse: scalar, required: true, nullable: true },
});
const option = nested('config_select_option', {
  label: { parse: str, required: true },
  value: { parse: scalar, required: true },
});
const validation = nested('config_validation', {
  constraint: { parse: any, required: true },
  type: { parse: enumOf(CONFIG_VALIDATION_TYPES, (v) => `Unknown ConfigurationValidationType [${v}].`), required: true },
});

const entrySpec = {
  category: { parse: str, nullable: true },
  default_value: { parse: scalar, nullable: true },
  depends_on: { parse: arrayOf(dependsOn), nullable: true },
  display: { parse: enumOf(CONFIG_DISPLAY_TYPES, (v) => `Unknown ConfigurationDisplayType [${v}].`), nullable: true },
  label: { parse: str, required: true },
  options: { parse: arrayOf(option), nullable: true },
  order: { parse: long, nullable: true },
  placeholder: { parse: str, nullable: true },
  required: { parse: bool, nullable: true },
  sensitive: { parse: bool, nullable: true },
  tooltip: { parse: str, nullable: true },
  type: { parse: enumOf(CONFIG_FIELD_TYPES, (v) => `Unknown ConfigurationFieldType [${v}].`, true), nullable: true },
  ui_restrictions: { parse: arrayOf(str), nullable: true },
  validations: { parse: arrayOf(validation), nullable: true },
  value: { parse: any, nullable: true },
};

/** One entry in its stored form: omit-if-null keys dropped, always-written keys present. */
export const configurationEntry: FieldParser = (v, f, p) => {
  const e = nested('connector_configuration', entrySpec)(v, f, p) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const put = (k: string) => { if (e[k] !== undefined && e[k] !== null) out[k] = e[k]; };
  put('category');
  out.default_value = e.default_value ?? null;
  put('depends_on');
  put('display');
  out.label = e.label;
  put('options');
  put('order');
  put('placeholder');
  out.required = e.required ?? false;
  out.sensitive = e.sensitive ?? false;
  put('tooltip');
  put('type');
  put('ui_restrictions');
  put('validations');
  out.value = e.value ?? null;
  return out;
};

/** A whole `configuration` map (name → entry). */
export const configurationMap: FieldParser = (v, f, p) => {
  if (!isPlainObject(v)) {
    throw errors.parse(`[${p}] failed to parse field [${f}]`, { type: 'illegal_argument_exception', reason: 'configuration must be an object' });
  }
  const out: Record<string, unknown> = {};
  for (const [k, entry] of Object.entries(v)) setOwn(out, k, configurationEntry(entry, `${f}.${k}`, p));
  return out;
};
