/** Test helper: a Tributary server whose AppContext serves an embedded content index. */
import { join } from 'node:path';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { ContentIndex } from '../../sink/embedded/content-index.js';

export async function startIndexServer(opts: { listen?: boolean } = {}): Promise<TestServer & { ci: ContentIndex }> {
  const srv = await startServer(opts);
  const ci = new ContentIndex(join(srv.dataDir, 'content.db'));
  srv.app.contentIndex = ci;
  const close = srv.close.bind(srv);
  return Object.assign(srv, {
    ci,
    async close() {
      await ci.close();
      await close();
    },
  });
}
