/**
 * The requests Elastic's Python connector service sends, issued the way it issues them: its
 * `ESClient`/`ESIndex`/`ESManagementClient` calls through the official client (here the
 * JavaScript one, which builds the same requests from the same specification), and the helper
 * calls of the Python client that have no twin here (`helpers.async_scan`, `POST <index>/_doc`
 * without an id) as raw HTTP with the Python client's exact paths, query strings and bodies.
 * Every request is recorded in `log` (method, path, query string, then the body, if any) so
 * tests can check the shapes.
 */
import { Client, errors, type estypes } from '@elastic/elasticsearch';

type BulkResponse = estypes.BulkResponse;

export interface Hit<S = Record<string, any>> {
  _index: string;
  _id: string;
  _source: S;
  _seq_no?: number;
  _primary_term?: number;
}

/** `elasticsearch.username`/`password`, or `elasticsearch.api_key` (the encoded key). */
export type Credentials = { username: string; password: string } | { apiKey: string };

export interface RawResponse {
  status: number;
  body: any;
}

/** Python's `datetime.now(timezone.utc).isoformat()` (`iso_utc`): microseconds and `+00:00`. */
export function isoUtc(d: Date = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** The status of an error the client threw (409 for a version conflict). */
export function statusOf(e: unknown): number | undefined {
  return e instanceof errors.ResponseError ? e.statusCode : undefined;
}

export class PythonClient {
  readonly es: Client;
  readonly log: string[] = [];

  private readonly authorization: Record<string, string>;

  constructor(readonly url: string, auth?: Credentials) {
    this.es = new Client({ node: url, maxRetries: 0, ...(auth ? { auth } : {}) });
    this.authorization = !auth
      ? {}
      : 'apiKey' in auth
        ? { authorization: `ApiKey ${auth.apiKey}` }
        : { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    this.es.diagnostic.on('request', (_err, ev) => {
      const p = ev?.meta.request.params;
      if (!p) return;
      const body = typeof p.body === 'string' ? ` ${p.body}` : '';
      this.log.push(`${p.method} ${p.path}${p.querystring ? `?${p.querystring}` : ''}${body}`);
    });
  }

  async close(): Promise<void> {
    await this.es.close();
  }

  /** A request by hand: method, path with query string, JSON body. */
  async raw(method: string, path: string, body?: unknown): Promise<RawResponse> {
    this.log.push(`${method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`);
    const res = await fetch(this.url + path, {
      method,
      headers: { ...this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * `ESIndex.get_all_docs`: pages of `from`/`size` with `expand_wildcards=hidden` and
   * `seq_no_primary_term=true` until `count >= hits.total.value`.
   */
  async getAllDocs(index: string, query: unknown = { match_all: {} }, sort?: unknown, pageSize = 100): Promise<Hit[]> {
    const out: Hit[] = [];
    for (let offset = 0; ; ) {
      const resp = await this.es.search({
        index, query: query as any, sort: sort as any, from: offset, size: pageSize, expand_wildcards: 'hidden', seq_no_primary_term: true,
      });
      const hits = resp.hits.hits as Hit[];
      const total = typeof resp.hits.total === 'number' ? resp.hits.total : resp.hits.total!.value;
      out.push(...hits);
      if (out.length >= total || hits.length === 0) return out;
      offset += hits.length;
    }
  }

  /** `ESIndex.fetch_response_by_id` (the `reload` of a document). */
  async get(index: string, id: string): Promise<Hit> {
    return (await this.es.get({ index, id })) as Hit;
  }

  /** `ESIndex.update`: a partial document, optionally conditional on sequence numbers. */
  async update(index: string, id: string, doc: Record<string, unknown>, seq?: { _seq_no?: number; _primary_term?: number }) {
    return this.es.update({ index, id, doc, if_seq_no: seq?._seq_no, if_primary_term: seq?._primary_term });
  }

  /** `ESIndex.index`: `POST /<index>/_doc` with the whole document, a generated id. */
  async index(index: string, document: Record<string, unknown>): Promise<RawResponse> {
    return this.raw('POST', `/${index}/_doc`, document);
  }

  /**
   * `ESManagementClient.bulk_insert`: `PUT /_bulk?pipeline=<name>` (the Python client sends
   * bulk requests with PUT; the JavaScript client's `bulk()` would use POST).
   */
  async bulk(operations: unknown[], pipeline: string): Promise<BulkResponse> {
    return (await this.es.transport.request({ method: 'PUT', path: '/_bulk', querystring: { pipeline }, bulkBody: operations as object[] })) as BulkResponse;
  }

  /**
   * `helpers.async_scan(client, index=…, _source=[…])` of the Python client: `POST
   * /<index>/_search?scroll=5m` with `{"sort": "_doc", "size": 1000, "_source": […]}`, then
   * `POST /_search/scroll` with `{"scroll": "5m", "scroll_id": …}` until a page is empty, then
   * `DELETE /_search/scroll` with `{"scroll_id": …}`. It fails, as the helper does, when a
   * shard failed.
   */
  async scan(index: string, source: string[]): Promise<{ hits: Hit[]; pages: number; cleared: RawResponse }> {
    let resp = await this.raw('POST', `/${index}/_search?scroll=5m`, { sort: '_doc', size: 1000, _source: source });
    if (resp.status !== 200) throw new Error(`scan: ${resp.status} ${JSON.stringify(resp.body)}`);
    const hits: Hit[] = [];
    let pages = 0;
    let scrollId: string = resp.body._scroll_id;
    for (;;) {
      const shards = resp.body._shards;
      if (shards.successful + (shards.skipped ?? 0) < shards.total) throw new Error(`scan: shard failures ${JSON.stringify(shards)}`);
      if (resp.body.hits.hits.length === 0) break;
      pages += 1;
      hits.push(...resp.body.hits.hits);
      resp = await this.raw('POST', '/_search/scroll', { scroll: '5m', scroll_id: scrollId });
      if (resp.status !== 200) throw new Error(`scroll: ${resp.status} ${JSON.stringify(resp.body)}`);
      scrollId = resp.body._scroll_id ?? scrollId;
    }
    const cleared = await this.raw('DELETE', '/_search/scroll', { scroll_id: scrollId });
    return { hits, pages, cleared };
  }
}
