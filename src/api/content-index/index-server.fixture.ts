/** Test helper: a Tributary server whose AppContext serves an embedded content index. */
import { join } from 'node:path';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { ContentIndex, type ContentIndexOptions } from '../../content-index/content-index.js';

export async function startIndexServer(opts: { listen?: boolean; index?: ContentIndexOptions } = {}): Promise<TestServer & { ci: ContentIndex }> {
  const { index, ...serverOpts } = opts;
  const srv = await startServer(serverOpts);
  const ci = new ContentIndex(join(srv.dataDir, 'content.db'), index);
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
