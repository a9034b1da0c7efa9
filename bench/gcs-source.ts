/**
 * `google_cloud_storage` source throughput (issue 17; shape and options in bench/object-store.ts):
 * objects on the JSON API fixture server (src/sources/google_cloud_storage/gcs.fixture.ts, in
 * process), read per round by a raw loop over `fetch` (one token, objects.list pages of 1000 +
 * one alt=media download per object, 8 at once) and by the source's full enumeration.
 * `npm run bench:gcs`
 *
 * The fixture server runs in this process, so both loops share the CPU with it: the ratio is
 * what this measures, not the absolute rate of Cloud Storage.
 */
import { assertion, JWT_BEARER } from '../src/sources/google_cloud_storage/auth.js';
import { readGcsSettings } from '../src/sources/google_cloud_storage/config.js';
import { googleCloudStorageSource } from '../src/sources/google_cloud_storage/datasource.js';
import { gcsConfig, startFakeGcs } from '../src/sources/google_cloud_storage/gcs.fixture.js';
import { inParallel } from '../src/sources/shared/faulty-proxy.fixture.js';
import { benchBody, benchKey, CONCURRENCY, header, N, readAll, rounds, type Counted } from './object-store.js';

const BUCKET = 'bench-objects';

async function raw(base: string, config: Record<string, unknown>): Promise<Counted> {
  const { account } = readGcsSettings(config);
  const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion: assertion(account, Math.floor(Date.now() / 1000)) });
  const tokenRes = await fetch(account.tokenUri, { method: 'POST', body: form });
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  let n = 0;
  let bytes = 0;
  let pageToken: string | undefined;
  do {
    const list = new URL(`${base}/storage/v1/b/${BUCKET}/o`);
    list.searchParams.set('maxResults', '1000');
    if (pageToken) list.searchParams.set('pageToken', pageToken);
    const page = (await (await fetch(list, { headers })).json()) as { items?: { name: string }[]; nextPageToken?: string };
    await inParallel(page.items ?? [], CONCURRENCY, async (o) => {
      const media = await fetch(`${base}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(o.name)}?alt=media`, { headers });
      bytes += (await media.arrayBuffer()).byteLength;
      n++;
    });
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { n, bytes };
}

header();
const gcs = await startFakeGcs();
try {
  gcs.bucket(BUCKET);
  const body = benchBody();
  for (let i = 0; i < N; i++) gcs.put(BUCKET, benchKey(i), body, 'text/plain');
  const config = gcsConfig(gcs, [BUCKET], { page_size: 1000, concurrent_downloads: CONCURRENCY });
  await rounds('raw fetch', () => raw(gcs.url, config), () => readAll(googleCloudStorageSource.create(config)));
} finally {
  await gcs.close();
}
