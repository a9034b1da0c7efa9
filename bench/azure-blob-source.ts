/**
 * `azure_blob_storage` source throughput (issue 17; shape and options in bench/object-store.ts):
 * blobs on Azurite (Microsoft's emulator, in a child process), read per round by a raw
 * @azure/storage-blob loop (List Blobs pages of 1000 + one Get Blob per blob, its stream read whole, 8 at once) and by
 * the source's full enumeration. `npm run bench:azure`
 */
import type { ContainerClient } from '@azure/storage-blob';
import { azureBlobStorageSource } from '../src/sources/azure_blob_storage/datasource.js';
import { azureConfig, inParallel, startAzurite } from '../src/sources/azure_blob_storage/azure.fixture.js';
import { benchBody, benchKey, CONCURRENCY, header, N, readAll, rounds, type Counted } from './object-store.js';

const CONTAINER = 'bench-blobs';

async function raw(container: ContainerClient): Promise<Counted> {
  let n = 0;
  let bytes = 0;
  for await (const page of container.listBlobsFlat().byPage({ maxPageSize: 1000 })) {
    await inParallel(page.segment.blobItems, CONCURRENCY, async (b) => {
      const r = await container.getBlobClient(b.name).download();
      let got = 0;
      for await (const chunk of r.readableStreamBody!) got += (chunk as Buffer).length;
      bytes += got;
      n++;
    });
  }
  return { n, bytes };
}

header();
const az = await startAzurite();
try {
  const container = await az.container(CONTAINER);
  const body = benchBody();
  await inParallel(Array.from({ length: N }, (_, i) => i), 32, (i) => az.put(CONTAINER, benchKey(i), body, { contentType: 'text/plain' }));
  const config = azureConfig(az.endpoint, [CONTAINER], { page_size: 1000, concurrent_downloads: CONCURRENCY });
  await rounds('raw SDK', () => raw(container), () => readAll(azureBlobStorageSource.create(config)));
} finally {
  await az.close();
}
