/**
 * Opens the PostgreSQL store for `app/open-app.ts`'s URL-scheme dispatch (`postgres://`,
 * `postgresql://`). `pg` loads only when such a URL is used, keeping the SQLite path lean.
 */
import type { Store } from '../store.js';

export const postgresSchemes = ['postgres', 'postgresql'] as const;

export async function openPostgres(url: string): Promise<Store> {
  const { openPostgresStore } = await import('./index.js');
  return openPostgresStore(url);
}
