/**
 * Test helpers: a Tributary server on a fresh temporary data directory.
 *
 *   const srv = await startServer();          // in-process only (fast)
 *   const srv = await startServer({ listen: true }); // also a real HTTP port: srv.url
 *   const res = await srv.inject({ method: 'PUT', url: '/_connector/c1', body: { name: 'x' } });
 *   res.statusCode; res.json(); res.headers
 *   await srv.close();                        // closes the server and removes the data dir
 *
 * `inject` serialises a non-string `body` as JSON and defaults `content-type` to
 * `application/json` when a body is given. Pass a string `payload` to send raw bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/api/server.js';
import type { AppContext } from '../../src/api/app-context.js';
import { openApp } from '../../src/app/open-app.js';

export interface TestServer {
  /** `http://127.0.0.1:<port>` when started with `listen: true`, else ''. */
  url: string;
  inject(opts: Omit<InjectOptions, 'body'> & { body?: unknown }): Promise<LightMyRequestResponse>;
  app: AppContext;
  server: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions & { listen?: boolean } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-test-'));
  const app = await openApp({ dataDir });
  const { listen, ...serverOpts } = opts;
  const server = buildServer(app, serverOpts);
  let url = '';
  if (listen) {
    const addr = await server.listen({ port: 0, host: '127.0.0.1' });
    url = addr.replace('localhost', '127.0.0.1');
  } else {
    await server.ready();
  }
  return {
    url,
    app,
    server,
    dataDir,
    inject(o) {
      const { body, ...rest } = o;
      if (body !== undefined && rest.payload === undefined) {
        rest.payload = typeof body === 'string' ? body : JSON.stringify(body);
        rest.headers = { 'content-type': 'application/json', ...(rest.headers ?? {}) };
      }
      return server.inject(rest);
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
