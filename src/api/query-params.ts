/**
 * Strict query-parameter parsing (connector-api.md §1.6): declared parameters by type, the
 * global ones every Elasticsearch endpoint takes, and 400 for anything else.
 */
import { errors } from '../domain/errors.js';
import type { ParamType } from './endpoint.js';

export const GLOBAL_PARAMS: Record<string, ParamType> = {
  pretty: 'boolean',
  human: 'boolean',
  error_trace: 'boolean',
  filter_path: 'list',
};

export function parseBoolean(name: string, v: string): boolean {
  if (v === '' || v === 'true') return true;
  if (v === 'false') return false;
  throw errors.illegalArgument(`Failed to parse value [${v}] as only [true] or [false] are allowed.`);
}

export function parseQuery(path: string, search: string, declared: Record<string, ParamType> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!search) return out;
  const params = new URLSearchParams(search);
  const unknown: string[] = [];
  for (const [name, value] of params) {
    const type = declared[name] ?? GLOBAL_PARAMS[name];
    if (!type) {
      unknown.push(name);
      continue;
    }
    switch (type) {
      case 'boolean':
        out[name] = parseBoolean(name, value);
        break;
      case 'int': {
        // Integer.parseInt: digits only and within the 32-bit range.
        const n = Number(value);
        if (!/^[-+]?\d+$/.test(value) || n > 2147483647 || n < -2147483648) {
          throw errors.illegalArgument(`Failed to parse int parameter [${name}] with value [${value}]`);
        }
        out[name] = n;
        break;
      }
      case 'list':
        out[name] = [...((out[name] as string[] | undefined) ?? []), ...value.split(',').filter((s) => s !== '')];
        break;
      default:
        out[name] = value;
    }
  }
  if (unknown.length === 1) throw errors.illegalArgument(`request [${path}] contains unrecognized parameter: [${unknown[0]}]`);
  if (unknown.length > 1) throw errors.illegalArgument(`request [${path}] contains unrecognized parameters: ${unknown.map((u) => `[${u}]`).join(', ')}`);
  return out;
}

/** `from`/`size` paging checks shared by the list endpoints. */
export function paging(q: Record<string, unknown>): { from: number; size: number } {
  const from = (q.from as number | undefined) ?? 0;
  const size = (q.size as number | undefined) ?? 100;
  if (from < 0) throw errors.illegalArgument('Parameter [from] cannot be < 0');
  if (size < 0) throw errors.illegalArgument('Parameter [size] cannot be < 0');
  if (from + size > 10000) {
    throw errors.illegalArgument(`Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}].`);
  }
  return { from, size };
}
