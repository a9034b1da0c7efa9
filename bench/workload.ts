/**
 * The documents the benchmark sends: a realistic create body with a unique index name, of a
 * service type the in-process worker serves (`directory`, so it sets the connectors up as it
 * would a user's) unless told otherwise.
 */

export function createBody(unique: string, serviceType = 'directory'): string {
  return JSON.stringify({
    index_name: `search-bench-${unique}`,
    name: `Bench connector ${unique}`,
    description: 'Folders of the documentation team, synced nightly',
    service_type: serviceType,
    language: 'en',
    is_native: false,
  });
}
