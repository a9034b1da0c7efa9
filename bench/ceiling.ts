/**
 * The ceiling: a bare `node:http` server that answers like Tributary does, byte for byte, with
 * no framework, no store and no per-request work beyond what the protocol needs:
 * - `GET /_connector/<id>`: a fixed connector document (the same bytes a Tributary GET sent);
 * - `GET /_connector?…`: a fixed list response (the same bytes as Tributary's list);
 * - `PUT /_connector/<id>` (and POST): reads and `JSON.parse`s the body, answers
 *   `{"id":…,"result":"created"}` with 201.
 * Same headers as Tributary (`x-elastic-product`, `content-type`, `content-length`, `Date`,
 * keep-alive with Fastify's 72 s timeout). Usage: `node ceiling.ts <port> <bodies.json>`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [portArg, bodiesFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as { get: string; list: string };
const getBody = Buffer.from(bodies.get);
const listBody = Buffer.from(bodies.list);
const TYPE = 'application/json; charset=UTF-8';

function send(res: import('node:http').ServerResponse, status: number, body: Buffer | string): void {
  res.writeHead(status, {
    'x-elastic-product': 'Elasticsearch',
    'content-type': TYPE,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET') {
    if (url === '/') return send(res, 200, '{"tagline":"You Know, for Search"}');
    if (url.startsWith('/_connector?') || url === '/_connector') return send(res, 200, listBody);
    return send(res, 200, getBody);
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, '{"error":"bad json","status":400}');
    }
    const id = url.slice(url.lastIndexOf('/') + 1);
    send(res, 201, `{"id":${JSON.stringify(id)},"result":"created"}`);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(portArg), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
