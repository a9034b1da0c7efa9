/**
 * `s3` source throughput (issue 17): N objects (BENCH_OBJECTS, default 2000) of K KiB of text
 * (BENCH_OBJECT_KB, default 16) across prefixes on a local S3-compatible server (s3rver, in a
 * child process), read twice per round: by a raw AWS SDK v3 loop (ListObjectsV2 pages of 1000
 * + GetObject, 8 downloads at once) and by the source's full enumeration (same page size and
 * concurrency, plus text extraction and document building). Prints objects/s and MB/s of
 * both and the ratio. `node --import tsx bench/s3-source.ts`
 */
import { execFileSync } from 'node:child_process';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { testContext } from '../src/sources/source.case.js';
import { s3Source } from '../src/sources/s3/datasource.js';
import { inParallel, s3Config, startS3 } from '../src/sources/s3/s3.fixture.js';

const N = Number(process.env.BENCH_OBJECTS ?? 2000);
const KB = Number(process.env.BENCH_OBJECT_KB ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 8;
const BUCKET = 'bench-objects';

async function raw(client: S3Client): Promise<{ n: number; bytes: number }> {
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

async function viaSource(endpoint: string): Promise<{ n: number; bytes: number }> {
  const src = s3Source.create(s3Config(endpoint, [BUCKET], { page_size: 1000, concurrent_downloads: CONCURRENCY }));
  let n = 0;
  let bytes = 0;
  for await (const d of src.getDocs(testContext())) {
    n++;
    if (typeof d.body !== 'string' || d.body.length === 0) throw new Error(`no body for ${d.filename}`);
    bytes += Buffer.byteLength(d.body); // the text read (ASCII here: as many bytes as the object)
  }
  await src.close();
  return { n, bytes };
}

function line(label: string, r: { n: number; bytes: number }, ms: number): number {
  const rate = (r.n / ms) * 1000;
  console.log(`${label.padEnd(8)} ${r.n} objects ${(r.bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms: ${rate.toFixed(0)} objects/s, ${((r.bytes / 1e6 / ms) * 1000).toFixed(1)} MB/s`);
  return rate;
}

console.log(`${new Date().toISOString()} | ${execFileSync('uptime').toString().trim()}`);
console.log(`node ${process.version}; ${N} objects of ${KB} KiB; ${ROUNDS} rounds; ${CONCURRENCY} downloads at once`);
const s3 = await startS3();
try {
  await s3.bucket(BUCKET);
  const body = 'lorem ipsum dolor sit amet '.repeat(Math.ceil((KB * 1024) / 27)).slice(0, KB * 1024);
  await inParallel(Array.from({ length: N }, (_, i) => i), 32, (i) => s3.put(BUCKET, `p${i % 20}/q${i % 13}/object-${i}.txt`, body));
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let t0 = performance.now();
    const rawRate = line('raw SDK', await raw(s3.client), performance.now() - t0);
    t0 = performance.now();
    const srcRate = line('source', await viaSource(s3.endpoint), performance.now() - t0);
    ratios.push(srcRate / rawRate);
  }
  console.log(`source / raw: ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}`);
} finally {
  await s3.close();
}
