/**
 * `s3` source throughput (issue 17; shape and options in bench/object-store.ts): objects on a
 * local S3-compatible server (s3rver, in a child process), read per round by a raw AWS SDK v3
 * loop (ListObjectsV2 pages of 1000 + GetObject, 8 downloads at once) and by the source's full
 * enumeration. `node --import tsx bench/s3-source.ts`
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3Source } from '../src/sources/s3/datasource.js';
import { inParallel, s3Config, startS3 } from '../src/sources/s3/s3.fixture.js';
import { benchBody, benchKey, CONCURRENCY, header, N, readAll, rounds, type Counted } from './object-store.js';

const BUCKET = 'bench-objects';

async function raw(client: S3Client): Promise<Counted> {
  let n = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1000, ContinuationToken: token }));
    await inParallel(page.Contents ?? [], CONCURRENCY, async (o) => {
      const r = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
      const got = await r.Body!.transformToByteArray();
      bytes += got.length; // after the await: `bytes += await …` would lose concurrent updates
      n++;
    });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { n, bytes };
}

header();
const s3 = await startS3();
try {
  await s3.bucket(BUCKET);
  const body = benchBody();
  await inParallel(Array.from({ length: N }, (_, i) => i), 32, (i) => s3.put(BUCKET, benchKey(i), body));
  await rounds('raw SDK', () => raw(s3.client), () => readAll(s3Source.create(s3Config(s3.endpoint, [BUCKET], { page_size: 1000, concurrent_downloads: CONCURRENCY }))));
} finally {
  await s3.close();
}
