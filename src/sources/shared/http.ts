/**
 * The one HTTP call of the sources that speak a REST API over node:http / node:https without
 * an SDK (google_cloud_storage; the SaaS sources): the host is checked against the operator's egress allow-list (`resolveAllowed`) and the
 * connection pinned to the checked address; the sync's abort signal ends the request in
 * flight; a silent response past `read_timeout` fails; a body past `maxBytes` is cut and
 * reported as 'too-big'. Status codes are the caller's to judge (each source's client.ts; rate-limit.ts
 * says which answers are worth another attempt and how long the server asked to wait).
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import tls from 'node:tls';
import { pinnedLookup, resolveAllowed } from './egress.js';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Bytes of body accepted; past it the transfer stops and the call resolves 'too-big'. */
  maxBytes: number;
}

/** A failure to exchange (connection, time-out): always worth another attempt. */
export class NetworkError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export class Http {
  private readonly addresses = new Map<string, Promise<string>>();
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly allowedHosts: readonly string[] | null,
    private readonly where: string,
    private readonly timeoutMs: number,
    sockets: number,
    /** PEM certificates trusted besides the system's (a server with a private CA: `ssl_ca`). */
    ca?: string,
  ) {
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: sockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: sockets, ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}) });
  }

  /** The checked address of `host` (once per host and source: the same address for every request). */
  private address(host: string): Promise<string> {
    let a = this.addresses.get(host);
    if (!a) {
      a = resolveAllowed(host, this.allowedHosts, this.where).then((t) => t.address);
      a.catch(() => this.addresses.delete(host));
      this.addresses.set(host, a);
    }
    return a;
  }

  async send(r: HttpRequest): Promise<HttpResponse | 'too-big'> {
    const lookup = this.allowedHosts === null ? undefined : pinnedLookup(await this.address(r.url.hostname.replace(/^\[|\]$/g, '')));
    const https = r.url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(r.url, {
        method: r.method,
        headers: { 'user-agent': 'tributary', ...(r.headers ?? {}), ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) },
        agent: https ? this.httpsAgent : this.httpAgent,
        signal: r.signal,
        ...(lookup ? { lookup } : {}),
      }, (res) => {
        const len = Number(res.headers['content-length']);
        if (Number.isFinite(len) && len > r.maxBytes) {
          res.destroy();
          resolve('too-big');
          return;
        }
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > r.maxBytes) {
            res.destroy();
            resolve('too-big');
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, n) }));
        res.on('error', (err) => reject(r.signal.aborted ? r.signal.reason : new NetworkError(err.message, (err as NodeJS.ErrnoException).code ?? 'ECONNRESET')));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new NetworkError(`no answer within ${this.timeoutMs / 1000} s`, 'ETIMEDOUT')));
      req.on('error', (err) => {
        if (r.signal.aborted) reject(r.signal.reason);
        else if (err instanceof NetworkError) reject(err);
        else reject(new NetworkError(err.message, (err as NodeJS.ErrnoException).code ?? 'ECONNRESET'));
      });
      req.end(r.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
