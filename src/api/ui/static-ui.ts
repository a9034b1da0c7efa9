/**
 * The web UI's files (docs/ui.md) under `/_ui/`, on the API's port. The UI is a client of the
 * public API: its files are public, every API call it makes is authenticated and authorised
 * like any other client's. The built app (`npm run build:ui` → dist/ui/, run by `npm ci`) is
 * read into memory once at start (bounded: a few files, a few MB), each compressible file also
 * gzipped, so a request never touches the disk.
 *
 * - `/_ui/assets/<name>-<hash>.<ext>`: content-hashed by the build, cached for a year, immutable.
 * - any other `/_ui/<path>`: a file of the build's root (favicon) or else the app's `index.html`
 *   (`no-cache`): the app routes on the client, so `/_ui/connectors/c1` can be reloaded and shared.
 * - `/_ui` and `/_ui/`: a redirect to the connectors list.
 */
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const UI_PREFIX = '/_ui';
/** The UI's route patterns: public (request-guard.ts skips authentication for them only). */
export const UI_ROUTES: ReadonlySet<string> = new Set([UI_PREFIX, `${UI_PREFIX}/`, `${UI_PREFIX}/*`]);
/** Bounds of what is read at start: a build is ~10 files and well under 2 MB. */
const MAX_FILES = 500;
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface UiFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

export interface UiAssets {
  /** Files by path below `/_ui/` (`index.html`, `assets/index-1a2b.js`). */
  files: Map<string, UiFile>;
}

/** Reads a built UI folder; null when there is none (the UI was not built). */
export function loadUiAssets(dir: string): UiAssets | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, UiFile>();
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      if (!e.isFile()) continue;
      const size = statSync(p).size;
      total += size;
      if (files.size >= MAX_FILES || total > MAX_TOTAL_BYTES) {
        throw new Error(`the web UI folder ${dir} holds more than ${MAX_FILES} files or ${MAX_TOTAL_BYTES} bytes: is it a UI build (npm run build:ui)?`);
      }
      const rel = relative(dir, p).split(sep).join('/');
      const ext = extname(p).toLowerCase();
      const body = readFileSync(p);
      const gzip = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : null;
      files.set(rel, {
        body,
        gzip,
        type: TYPES[ext] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        cacheControl: rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
      });
    }
  };
  walk(dir);
  return { files };
}

function acceptsGzip(req: FastifyRequest): boolean {
  const accept = req.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/i.test(accept);
}

function sendFile(req: FastifyRequest, reply: FastifyReply, file: UiFile): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('cache-control', file.cacheControl)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  if (file.type.startsWith('text/html')) {
    // The app only talks to its own origin; nothing is loaded from anywhere else.
    reply
      .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
      .header('x-frame-options', 'DENY');
  }
  if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (file.gzip && acceptsGzip(req)) return reply.code(200).header('content-encoding', 'gzip').send(file.gzip);
  return reply.code(200).send(file.body);
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Tributary</title><p>The web UI is not built. Run <code>npm run build:ui</code> (or <code>npm ci</code>) in Tributary\'s folder and restart <code>tributary serve</code>.</p>';

/** Adds the `/_ui` routes to a server (before it listens). `assets` null: a page saying how to build the UI. */
export function registerUi(server: FastifyInstance, assets: UiAssets | null): void {
  const redirect = (_req: FastifyRequest, reply: FastifyReply) => reply.code(302).header('location', `${UI_PREFIX}/connectors`).send();
  server.get(UI_PREFIX, redirect);
  server.get(`${UI_PREFIX}/`, redirect);
  server.get(`${UI_PREFIX}/*`, (req, reply) => {
    if (!assets) return reply.code(404).header('content-type', 'text/html; charset=utf-8').header('cache-control', REVALIDATE).send(NOT_BUILT);
    const path = (req.params as { '*': string })['*'];
    const file = assets.files.get(path);
    if (file) return sendFile(req, reply, file);
    // A missing hashed asset is a 404 (an old page after an upgrade reloads), not the app's HTML.
    if (path.startsWith('assets/')) {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', REVALIDATE).send(`no such file in the web UI: ${path.slice(0, 200)}`);
    }
    return sendFile(req, reply, assets.files.get('index.html')!);
  });
}
