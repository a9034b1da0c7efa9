/**
 * Test fixture of the `s3` source (recipe in docs/adding-a-source.md): an S3-compatible test
 * server (s3rver, from npm; test/helpers/s3rver-child.mjs) on a random loopback port, in a
 * child process (shared/child-server.fixture.ts), with files in a temporary folder; a
 * throttling proxy that answers `503 SlowDown` to the first N requests
 * (shared/faulty-proxy.fixture.ts); and the contract fixture (objects across a few prefixes
 * of two buckets).
 */
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SourceFixture } from '../source.case.js';
import { startChildServer } from '../shared/child-server.fixture.js';
import { faultyProxy, inParallel, type FaultyProxy } from '../shared/faulty-proxy.fixture.js';
import { documentId, s3Source } from './datasource.js';

export const KEY_ID = 'S3RVER';
export const SECRET = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  client: S3Client;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  bucket(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  // s3rver encrypts listing continuation tokens with DES, which OpenSSL 3 only offers through its legacy provider.
  const server = await startChildServer('s3rver-child.mjs', (dir) => [dir], ['--openssl-legacy-provider']);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } });
  return {
    endpoint,
    client,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async bucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

export { inParallel };

export type ThrottlingProxy = FaultyProxy;

const SLOW_DOWN = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
const ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

/**
 * An HTTP proxy in front of `target` that answers `503 SlowDown` to the first `n` requests,
 * and `403 AccessDenied` to requests whose path and query `deny` matches.
 */
export function throttlingProxy(
  target: string,
  n: number,
  deny: (url: string) => boolean = () => false,
  /** Requests that get no answer at all (a stalled store), for cancel tests. */
  stall: (url: string) => boolean = () => false,
): Promise<ThrottlingProxy> {
  return faultyProxy(target, { throttled: n, throttle: { status: 503, body: SLOW_DOWN }, deny, denial: { status: 403, body: ACCESS_DENIED }, stall });
}

export function s3Config(endpoint: string, buckets: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { buckets, aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET, endpoint, max_attempts: 3, page_size: 100, ...extra };
}

export function s3Fixture(): SourceFixture {
  let s3: TestS3 | null = null;
  const objects = new Set<string>(); // "bucket/key"
  let next = 0;
  const buckets = ['contract-a', 'contract-b'];
  const write = async (bk: string, text: string) => {
    const slash = bk.indexOf('/');
    await s3!.put(bk.slice(0, slash), bk.slice(slash + 1), text);
    objects.add(bk);
  };
  const add = () => {
    const i = next++;
    return write(`${buckets[i % 2]}/d${i % 7}/s${i % 3}/file-${i}.${['txt', 'md', 'json'][i % 3]}`, `document ${i}`);
  };
  return {
    factory: s3Source,
    async load(n) {
      s3 = await startS3();
      for (const b of buckets) await s3.bucket(b);
      await inParallel(Array.from({ length: n }), 16, () => add());
      return s3Config(s3.endpoint, buckets);
    },
    async ids() {
      return [...objects].map((bk) => documentId(bk.slice(0, bk.indexOf('/')), bk.slice(bk.indexOf('/') + 1)));
    },
    async change({ update, add: added, remove }) {
      const list = [...objects];
      for (const bk of list.slice(0, update)) await write(bk, `updated ${bk}`);
      for (const bk of list.slice(update, update + remove)) {
        const slash = bk.indexOf('/');
        await s3!.client.send(new DeleteObjectCommand({ Bucket: bk.slice(0, slash), Key: bk.slice(slash + 1) }));
        objects.delete(bk);
      }
      for (let i = 0; i < added; i++) await add();
    },
    // LastModified has a 1 s granularity and the source keeps a 3 s margin: let the data age past it.
    settle: () => new Promise((r) => setTimeout(r, 4100)),
    unreachable: () => s3Config('http://127.0.0.1:9', ['contract-a'], { max_attempts: 1 }),
    advancedRules: {
      valid: [{ bucket: 'contract-a', prefix: 'd1/', extension: ['.md', 'txt'] }, { bucket: 'contract-b' }],
      invalid: [{ bucket: 'A', extension: 'pdf' }, { prefix: 3, other: 1 }],
    },
    async remove() {
      await s3?.close();
    },
  };
}
