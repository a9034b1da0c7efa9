/**
 * Test fixture of the `s3` source (recipe in docs/adding-a-source.md): an S3-compatible test
 * server (s3rver, from npm; test/helpers/s3rver-child.mjs) on a random loopback port, in a
 * child process, with files in a
 * temporary folder; a throttling proxy that answers `503 SlowDown` to the first N requests;
 * and the contract fixture (objects across a few prefixes of two buckets).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { SourceFixture } from '../source.case.js';
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
  const dir = mkdtempSync(join(tmpdir(), 'tributary-s3-'));
  const script = fileURLToPath(new URL('../../../test/helpers/s3rver-child.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const info = await new Promise<{ port: number }>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${info.port}`;
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
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` over `items`, `n` at a time. */
export async function inParallel<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

export interface ThrottlingProxy {
  endpoint: string;
  /** Requests answered 503 SlowDown so far. */
  throttled(): number;
  /** Requests passed through so far. */
  passed(): number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of `target` that answers `503 SlowDown` to the first `n` requests,
 * and `403 AccessDenied` to requests whose path and query `deny` matches.
 */
export async function throttlingProxy(
  target: string,
  n: number,
  deny: (url: string) => boolean = () => false,
  /** Requests that get no answer at all (a stalled store), for cancel tests. */
  stall: (url: string) => boolean = () => false,
): Promise<ThrottlingProxy> {
  const t = new URL(target);
  let throttled = 0;
  let passed = 0;
  const server: Server = createServer((req, res) => {
    if (throttled < n) {
      throttled++;
      req.resume();
      const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (stall(req.url ?? '')) {
      req.resume();
      return;
    }
    if (deny(req.url ?? '')) {
      req.resume();
      const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
      res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    passed++;
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    throttled: () => throttled,
    passed: () => passed,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
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
