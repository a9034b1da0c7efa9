/**
 * The shared sink suite (`sink.case.ts`) against the in-process EmbeddedSink, read back
 * through the engine itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentIndex } from '../../content-index/content-index.js';
import { EmbeddedSink } from './embedded-sink.js';
import { sinkSuite, type Inspector } from '../sink.case.js';

function inspector(ci: ContentIndex): Inspector {
  return {
    async count(index, query) {
      return ci.count(index, query ? { query } : undefined).count;
    },
    async get(index, id) {
      const r = ci.getDocument(index, id);
      return r.status === 404 ? null : (r.body._source as Record<string, unknown>);
    },
    async properties(index) {
      const m = ci.getMapping(index)[index].mappings as { properties?: Record<string, { type?: string }> };
      return m.properties ?? {};
    },
    async deleteIndex(index) {
      if (ci.exists(index)) ci.deleteIndex(index);
    },
  };
}

for (const [label, opts] of [
  ['in-process, slices on the event loop', {}],
  ['in-process, write thread', { thread: true }],
  ['in-process, one-document slices', { sliceMs: 0 }],
] as const) {
  sinkSuite(`embedded index (EmbeddedSink, ${label})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-embedded-sink-'));
    const ci = new ContentIndex(join(dir, 'content.db'));
    return {
      sink: new EmbeddedSink(ci, true, opts),
      inspect: inspector(ci),
      async close() {
        ci.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
