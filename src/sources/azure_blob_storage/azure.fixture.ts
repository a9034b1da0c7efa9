/**
 * Test fixture of the `azure_blob_storage` source (recipe in docs/adding-a-source.md): Azurite's
 * blob service (Microsoft's emulator, from npm; test/helpers/azurite-child.mjs) on a random
 * loopback port in a child process with a temporary folder (shared/child-server.fixture.ts);
 * a throttling proxy answering `503 ServerBusy` (or `429` with `Retry-After`) to the first N
 * requests (shared/faulty-proxy.fixture.ts); and the contract fixture (blobs across a few
 * prefixes of two containers).
 */
import { BlobServiceClient, newPipeline, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import type { SourceFixture } from '../source.case.js';
import { startChildServer } from '../shared/child-server.fixture.js';
import { faultyProxy, inParallel, type Answer, type FaultyProxy } from '../shared/faulty-proxy.fixture.js';
import { azureBlobStorageSource, documentId } from './datasource.js';

export { inParallel };

/** Azurite's well-known development account (documented by Microsoft; not a secret). */
export const ACCOUNT = 'devstoreaccount1';
export const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface TestAzure {
  /** The blob endpoint: `http://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  service: BlobServiceClient;
  container(name: string, metadata?: Record<string, string>): Promise<ContainerClient>;
  put(container: string, name: string, body: string | Buffer, o?: { metadata?: Record<string, string>; contentType?: string }): Promise<void>;
  remove(container: string, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startAzurite(): Promise<TestAzure> {
  const server = await startChildServer('azurite-child.mjs', (dir) => [
    '--blobHost', '127.0.0.1', '--blobPort', '0', '--location', dir, '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry',
  ]);
  const endpoint = `http://127.0.0.1:${server.port}/${ACCOUNT}`;
  const service = new BlobServiceClient(endpoint, newPipeline(new StorageSharedKeyCredential(ACCOUNT, KEY)));
  return {
    endpoint,
    service,
    async container(name, metadata) {
      const c = service.getContainerClient(name);
      await c.create({ metadata });
      return c;
    },
    async put(container, name, body, o = {}) {
      const data = typeof body === 'string' ? Buffer.from(body) : body;
      await service.getContainerClient(container).getBlockBlobClient(name).upload(data, data.length, {
        metadata: o.metadata,
        blobHTTPHeaders: { blobContentType: o.contentType ?? 'application/octet-stream' },
      });
    },
    async remove(container, name) {
      await service.getContainerClient(container).deleteBlob(name);
    },
    async close() {
      await server.close();
    },
  };
}

const SERVER_BUSY: Answer = {
  status: 503,
  headers: { 'x-ms-error-code': 'ServerBusy' },
  body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>Ingress is over the account limit.</Message></Error>',
};

/** A proxy in front of Azurite: the first `n` requests get `503 ServerBusy` (or `answer`); requests `stall` matches get no answer. */
export function throttlingProxy(target: string, n: number, o: { answer?: Answer; stall?: (url: string) => boolean } = {}): Promise<FaultyProxy> {
  const t = new URL(target);
  return faultyProxy(t.origin, { throttled: n, throttle: o.answer ?? SERVER_BUSY, stall: o.stall });
}

/** The proxy's blob endpoint (same account path as `endpoint`). */
export function viaProxy(proxy: FaultyProxy, endpoint: string): string {
  return `${proxy.endpoint}${new URL(endpoint).pathname}`;
}

export function azureConfig(endpoint: string, containers: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { account_name: ACCOUNT, account_key: KEY, blob_endpoint: endpoint, containers, retry_count: 2, concurrent_downloads: 8, ...extra };
}

export function azureFixture(): SourceFixture {
  let az: TestAzure | null = null;
  const blobs = new Set<string>(); // "container/name"
  let next = 0;
  const containers = ['contract-a', 'contract-b'];
  const write = async (cn: string, text: string) => {
    const slash = cn.indexOf('/');
    await az!.put(cn.slice(0, slash), cn.slice(slash + 1), text, { contentType: 'text/plain' });
    blobs.add(cn);
  };
  const add = () => {
    const i = next++;
    return write(`${containers[i % 2]}/d${i % 7}/s${i % 3}/file-${i}.${['txt', 'md', 'json'][i % 3]}`, `document ${i}`);
  };
  return {
    factory: azureBlobStorageSource,
    async load(n) {
      az = await startAzurite();
      for (const c of containers) await az.container(c);
      await inParallel(Array.from({ length: n }), 16, () => add());
      return azureConfig(az.endpoint, containers);
    },
    async ids() {
      return [...blobs].map((cn) => documentId(cn.slice(0, cn.indexOf('/')), cn.slice(cn.indexOf('/') + 1)));
    },
    async change({ update, add: added, remove }) {
      const list = [...blobs];
      for (const cn of list.slice(0, update)) await write(cn, `updated ${cn}`);
      for (const cn of list.slice(update, update + remove)) {
        const slash = cn.indexOf('/');
        await az!.remove(cn.slice(0, slash), cn.slice(slash + 1));
        blobs.delete(cn);
      }
      for (let i = 0; i < added; i++) await add();
    },
    // Last-Modified has a 1 s granularity and the source keeps a 3 s margin: let the data age past it.
    settle: () => new Promise((r) => setTimeout(r, 4100)),
    unreachable: () => azureConfig('http://127.0.0.1:9/devstoreaccount1', ['contract-a'], { retry_count: 0 }),
    async remove() {
      await az?.close();
    },
  };
}
