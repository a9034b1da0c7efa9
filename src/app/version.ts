/**
 * Tributary's own version (`tributary --version`), from package.json: the nearest one above
 * this file that is Tributary's, so it works from src/ (through tsx) and from dist/src/ alike;
 * and the folders found from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  const root = packageRoot(from);
  return root ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version : 'unknown';
}

/** Tributary's folder (where its package.json is), or null when this file is not inside one. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tributary' && pkg.version) return dir;
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The built web UI (`npm run build:ui`, docs/ui.md). */
export function uiBuildDir(): string | null {
  const root = packageRoot();
  return root ? join(root, 'dist', 'ui') : null;
}
