/** The documents the benchmark sends: a realistic create body with a unique index name. */

export function createBody(unique: string): string {
  return JSON.stringify({
    index_name: `search-bench-${unique}`,
    name: `Bench connector ${unique}`,
    description: 'Google Drive folders of the documentation team, synced nightly',
    service_type: 'google_drive',
    language: 'en',
    is_native: false,
  });
}
