/**
 * Where a `directory` connector may read (the config file's `sources.directory.roots`,
 * docs/sources/directory.md "Allowed folders"): below one of the operator's folders, compared
 * after resolving symbolic links on both sides. `null` roots = anywhere (security off).
 */
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { SourceConfigError } from '../source.js';

export const ROOTS_SETTING = 'sources.directory.roots';

/** Whether `path` is `root` or below it (both absolute, symlinks resolved). */
export function isWithin(path: string, root: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The roots with symlinks resolved; a root that does not exist (yet) holds nothing. */
async function resolveRoots(roots: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) {
    try {
      out.push(await realpath(r));
    } catch {
      // missing or unreadable: nothing can be below it
    }
  }
  return out;
}

/**
 * Checks the connector's folder (already resolved with realpath) against the policy. Throws a
 * configuration error that names the setting and the allowed folders.
 */
export async function checkAllowed(realFolder: string, shownPath: string, roots: string[] | null): Promise<void> {
  if (roots === null) return;
  if (roots.length === 0) {
    throw new SourceConfigError(
      `Folder [${shownPath}] is not allowed: with security on, directory connectors may only read below the folders listed in [${ROOTS_SETTING}] of the server's config file, and none is configured`,
    );
  }
  const real = await resolveRoots(roots);
  if (!real.some((r) => isWithin(realFolder, r))) {
    const resolved = realFolder === shownPath ? '' : ` (resolves to [${realFolder}])`;
    throw new SourceConfigError(
      `Folder [${shownPath}]${resolved} is not allowed: directory connectors may only read below [${roots.join(', ')}] (${ROOTS_SETTING} in the server's config file)`,
    );
  }
}
