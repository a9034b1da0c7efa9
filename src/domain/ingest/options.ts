/**
 * Reads one processor's configuration as Elasticsearch's `ConfigurationUtils` does: each
 * option read once, the wrong type or a missing required option a 400 `parse_exception`
 * naming the processor and property, and any option left over refused by name.
 */
import { ApiError } from '../errors.js';

export function configError(processorType: string, reason: string, property?: string, tag?: string): ApiError {
  const extra: Record<string, unknown> = { processor_type: processorType };
  if (property !== undefined) extra.property_name = property;
  if (tag !== undefined) extra.processor_tag = tag;
  return new ApiError('badBody', reason, { extra });
}

export class Options {
  private readonly left: Set<string>;

  constructor(
    readonly type: string,
    private readonly config: Record<string, unknown>,
    readonly tag?: string,
  ) {
    this.left = new Set(Object.keys(config));
  }

  private take(name: string): unknown {
    this.left.delete(name);
    return Object.hasOwn(this.config, name) ? this.config[name] : undefined;
  }

  error(reason: string, property?: string): ApiError {
    return configError(this.type, reason, property, this.tag);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.config, name);
  }

  raw(name: string): unknown {
    return this.take(name);
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const v = this.take(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.error(`[${name}] property isn't a string, but of type [${Array.isArray(v) ? 'array' : typeof v}]`, name);
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw this.error(`[${name}] required property is missing`, name);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.take(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw this.error(`[${name}] property isn't a boolean, but of type [${typeof v}]`, name);
  }

  int(name: string, fallback: number): number {
    const v = this.take(name);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw this.error(`[${name}] property isn't an integer, but of type [${typeof v}]`, name);
    return n;
  }

  /** A string or a list of strings, as a list. */
  list(name: string): string[] | undefined {
    const v = this.take(name);
    if (v === undefined || v === null) return undefined;
    const items = Array.isArray(v) ? v : [v];
    if (items.some((i) => typeof i !== 'string')) throw this.error(`[${name}] property isn't a list of strings`, name);
    return items as string[];
  }

  /** Refuses the options nobody read (Elasticsearch's wording). */
  done(): void {
    if (this.left.size > 0) {
      throw this.error(`processor [${this.type}] doesn't support one or more provided configuration parameters [${[...this.left].join(', ')}]`);
    }
  }
}
