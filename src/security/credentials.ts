/** Parses the `Authorization` header: HTTP Basic and Elasticsearch's `ApiKey base64(id:key)`. */

export type Credentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'api_key'; id: string; key: string }
  | { kind: 'invalid'; scheme: 'basic' | 'api_key' }
  | { kind: 'unsupported'; scheme: string };

function decode(b64: string): string | null {
  const s = b64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return null;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? null : text;
}

export function parseAuthorization(header: string | string[] | undefined): Credentials {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return { kind: 'none' };
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(value);
  const scheme = (m?.[1] ?? value.trim().split(/\s+/)[0]).toLowerCase();
  if (scheme === 'basic') {
    const text = m ? decode(m[2]) : null;
    const colon = text?.indexOf(':') ?? -1;
    if (text == null || colon <= 0) return { kind: 'invalid', scheme: 'basic' };
    return { kind: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (scheme === 'apikey') {
    const text = m ? decode(m[2]) : null;
    const colon = text?.indexOf(':') ?? -1;
    if (text == null || colon <= 0 || colon === text.length - 1) return { kind: 'invalid', scheme: 'api_key' };
    return { kind: 'api_key', id: text.slice(0, colon), key: text.slice(colon + 1) };
  }
  return { kind: 'unsupported', scheme };
}
