/**
 * Document-level security of the `network_drive` source: the identities content documents are
 * filtered by, and the access-control documents of `.search-acl-filter-<index>`.
 *
 * - A file's readers are the SIDs of its DACL that may read it (acl.ts), written `sid:<SID>`
 *   into `_allow_access_control` (the field Elastic's DLS query filters on) and
 *   `_allow_permissions`. Elastic's connector writes `rid:<last SID component>`; Tributary keeps
 *   the whole SID because RIDs collide across authorities (on Samba, Unix user 0 `S-1-22-1-0`
 *   and Everyone `S-1-1-0` would both be `rid:0`).
 * - Identities come from the `identity_mappings` file, Elastic's format: one user per line,
 *   `name;user SID;group SID,group SID,…`. Each user's access-control document lists
 *   `user:<name>`, `sid:<user SID>`, `sid:<group SID>`… and the well-known groups every signed-in
 *   user belongs to (Everyone `S-1-1-0`, Authenticated Users `S-1-5-11`).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { SourceDocument } from '../source.js';
import { SourceConfigError, SourceError } from '../source.js';
import { accessControlQuery } from '../shared/access-control.js';

export const IMPLICIT_GROUPS = ['S-1-1-0', 'S-1-5-11'] as const;
export const MAX_MAPPINGS_BYTES = 16 * 1024 * 1024;
export const MAX_LINE_CHARS = 64 * 1024;
const SID = /^S-1-\d{1,15}(-\d{1,10}){0,15}$/;

export function sidIdentity(sid: string): string {
  return `sid:${sid}`;
}

export interface MappedUser {
  name: string;
  sid: string;
  groups: string[];
}

/** One line of the mappings file, or null for a blank line; throws naming the line when malformed. */
export function parseMappingLine(line: string, n: number): MappedUser | null {
  if (line.trim() === '' || line.startsWith('#')) return null;
  const cols = line.split(';');
  const name = cols[0]?.trim() ?? '';
  const sid = cols[1]?.trim() ?? '';
  const groups = (cols[2] ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const bad = !name ? 'no user name' : !SID.test(sid) ? `[${sid.slice(0, 80)}] is not a SID (S-1-…)` : groups.find((g) => !SID.test(g)) ? `group [${groups.find((g) => !SID.test(g))!.slice(0, 80)}] is not a SID` : null;
  if (bad) throw new SourceError(`Line ${n} of [identity_mappings]: ${bad}. Each line is name;user SID;group SID,group SID,…`);
  return { name, sid, groups };
}

/** The access-control document of one user. */
export function userAccessDocument(u: MappedUser, now = new Date()): SourceDocument {
  const access = [`user:${u.name}`, sidIdentity(u.sid), ...u.groups.map(sidIdentity), ...IMPLICIT_GROUPS.map(sidIdentity)];
  return {
    _id: u.sid,
    identity: { username: `user:${u.name}`, user_id: sidIdentity(u.sid) },
    created_at: now.toISOString(),
    ...accessControlQuery(access),
  };
}

/**
 * Checks the mappings file: a regular file, at most MAX_MAPPINGS_BYTES, below one of the
 * operator's directory roots when there are any (the file is on the connector server: a
 * connector manager must not make it read files the operator did not open to connectors).
 */
export async function checkMappingsFile(path: string, roots: string[] | null): Promise<string> {
  if (!path) throw new SourceConfigError('Configuration field [identity_mappings] is required for document level security: the path of a file with one user per line, name;user SID;group SIDs. (Reading Windows users over WinRM is not supported.)');
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new SourceConfigError(`Configuration field [identity_mappings]: file [${path.slice(0, 200)}] not found on the connector server.`);
  }
  if (roots !== null && !roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep))) {
    throw new SourceConfigError('Configuration field [identity_mappings] must name a file below a folder the operator allows (sources.directory.roots).');
  }
  const st = await stat(real);
  if (!st.isFile()) throw new SourceConfigError(`Configuration field [identity_mappings]: [${path.slice(0, 200)}] is not a file.`);
  if (st.size > MAX_MAPPINGS_BYTES) throw new SourceConfigError(`Configuration field [identity_mappings]: the file is ${st.size} bytes; at most ${MAX_MAPPINGS_BYTES} are allowed.`);
  return real;
}

/** The users of the mappings file, streamed line by line. */
export async function* mappedUsers(path: string, roots: string[] | null, signal: AbortSignal): AsyncGenerator<MappedUser> {
  const real = await checkMappingsFile(path, roots);
  const input = createReadStream(real, { encoding: 'utf8', end: MAX_MAPPINGS_BYTES - 1, signal });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.length > MAX_LINE_CHARS) throw new SourceError(`Line ${n} of [identity_mappings] is longer than ${MAX_LINE_CHARS} characters.`);
      const u = parseMappingLine(line.replace(/^\uFEFF/, ''), n);
      if (u) yield u;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
