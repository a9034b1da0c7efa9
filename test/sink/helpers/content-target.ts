/**
 * The target for the cluster sinks' tests: a Tributary server on a loopback port serving its
 * embedded content index through the Elasticsearch-compatible document API (`src/api/content-index/`).
 * `index` is that ContentIndex, for reading back without HTTP.
 */
import { startIndexServer } from '../../../src/api/content-index/index-server.fixture.js';
import type { ContentIndex } from '../../../src/content-index/content-index.js';

export interface ContentTarget {
  url: string;
  index: ContentIndex;
  close(): Promise<void>;
}

export async function startContentTarget(): Promise<ContentTarget> {
  const srv = await startIndexServer({ listen: true });
  return { url: srv.url, index: srv.ci, close: () => srv.close() };
}
