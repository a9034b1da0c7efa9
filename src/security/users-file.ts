/**
 * Edits the users of a config file for `tributary users add|passwd|remove` (issue 4): through
 * the `yaml` Document API, so comments and the rest of the file survive; the result is checked
 * by the same parser the server uses before it replaces the file (temp file + rename, keeping
 * the file's mode; a new file gets 0600).
 */
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseSecurityConfig } from './config.js';
import { hashPassword } from './password.js';

export interface UserChange {
  action: 'add' | 'passwd' | 'remove';
  username: string;
  password?: string;
  /** For `add` (required) and `passwd` (optional: replaces the roles). */
  roles?: string[];
}

function load(file: string, create: boolean): Document {
  if (!existsSync(file)) {
    if (!create) throw new Error(`${file}: no such config file`);
    return parseDocument('# Tributary configuration (docs/security.md)\nsecurity:\n  enabled: true\n  users:\n');
  }
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  return doc;
}

/** Applies the change and writes the file; returns a one-line summary (no secrets). */
export async function changeUser(file: string, c: UserChange, opts: { hashCost?: number } = {}): Promise<string> {
  const doc = load(file, c.action === 'add');
  const path = ['security', 'users', c.username];
  const exists = doc.hasIn(path);
  if (c.action === 'add' && exists) throw new Error(`user [${c.username}] already exists in ${file} (use \`tributary users passwd\`)`);
  if (c.action !== 'add' && !exists) throw new Error(`user [${c.username}] does not exist in ${file}`);

  if (c.action === 'remove') {
    doc.deleteIn(path);
  } else {
    if (c.password === undefined || c.password.length < 6) throw new Error('passwords must be at least 6 characters long');
    const hash = await hashPassword(c.password, { ln: opts.hashCost });
    const roles = doc.createNode(c.roles ?? [], { flow: true });
    if (c.action === 'add') {
      const user = doc.createNode({ password_hash: hash, roles: c.roles ?? [] });
      // yaml infers the node from the input's TypeScript type (an array of strings) and gets it
      // wrong: at run time `roles` is a YAMLSeq, hence the cast.
      (user.get('roles', true) as unknown as YAMLSeq).flow = true;
      if (!isMap(doc.getIn(['security', 'users'], true))) doc.setIn(['security', 'users'], doc.createNode({}));
      (doc.getIn(['security', 'users'], true) as YAMLMap).flow = false;
      doc.setIn(path, user);
    } else {
      if (doc.hasIn([...path, 'password'])) doc.deleteIn([...path, 'password']);
      doc.setIn([...path, 'password_hash'], hash);
      if (c.roles !== undefined) doc.setIn([...path, 'roles'], roles);
    }
  }

  // The server must be able to load what we write (unknown roles, a broken section…).
  await parseSecurityConfig(doc.toJS()?.security, file, { hashCost: 10 });
  write(file, doc.toString({ flowCollectionPadding: false }));
  const verb = { add: 'added', passwd: 'updated', remove: 'removed' }[c.action];
  return `user [${c.username}] ${verb} in ${file}; restart the server to apply`;
}

function write(file: string, text: string): void {
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o600;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}
