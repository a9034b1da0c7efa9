/**
 * Python's `repr` of strings and string-keyed dicts, for sources whose Elastic counterpart
 * writes `str(value)` of a Python object into a field (`redis` values; `azure_blob_storage`
 * `metadata`, `container metadata`, `leasedata`). Written from Python's documented `repr`
 * rules, not from its source.
 */

/** Characters `str.isprintable()` rejects (Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but space). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `repr(str)`. */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === ' ' || !NON_PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

export const pyDict = (pairs: [string, string][]): string => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;

/** Python's `str()` of a dict of strings (None for null): `{'k': 'v', 'n': None}`. */
export function pyStrDict(m: Record<string, string | null>): string {
  return pyDict(Object.entries(m).map(([k, v]) => [pyStr(k), v === null ? 'None' : pyStr(v)]));
}
