/**
 * All I/O of the `azure_blob_storage` source (`@azure/storage-blob`, shared-key auth):
 * container listing and properties, blob listings page by page (`page_size` blobs a request,
 * continuation markers), and downloads cut at a byte limit. Every request:
 *
 * - goes to the address the operator's egress allow-list admitted for `blob_endpoint`'s host
 *   (`resolveAllowed` once, then an agent whose `lookup` answers that address);
 * - carries the sync's abort signal (a cancelled job aborts requests in flight and destroys
 *   download streams) and a `read_timeout`;
 * - is retried here, not by the SDK (its retries are off, so `retry_count` means what it says),
 *   on throttling and transient errors (503 ServerBusy, 500, 502, 504, 408, 429 with
 *   `Retry-After`, time-outs, dropped connections) with backoff;
 * - fails otherwise with a SourceError that says what to fix (key, container, permission).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { BlobServiceClient, newPipeline, RestError, StorageSharedKeyCredential, type BlobItem, type StoragePipelineOptions } from '@azure/storage-blob';
import { withRetry, type Transient } from '../../domain/shared/retry.js';
import { pinnedLookup, resolveAllowed } from '../shared/egress.js';
import { readCapped } from '../shared/object-store-content.js';
import { SourceError } from '../source.js';
import type { AzureSettings } from './config.js';

export interface Lease {
  status: string | null;
  state: string | null;
  duration: string | null;
}

export interface AzureBlob {
  container: string;
  name: string;
  size: number;
  lastModified: Date;
  createdOn: Date | null;
  etag: string;
  contentType: string | null;
  /** Access tier (`Hot`, `Cool`, `Cold`, `Archive`), null when the account has none. */
  tier: string | null;
  metadata: Record<string, string>;
  lease: Lease;
  containerMetadata: Record<string, string>;
}

export interface Container {
  name: string;
  metadata: Record<string, string>;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);
const CREDENTIAL_CODES = new Set(['AuthenticationFailed', 'AuthorizationFailure', 'InvalidAuthenticationInfo', 'NoAuthenticationInformation']);
const PERMISSION_CODES = new Set(['AuthorizationPermissionMismatch', 'AuthorizationResourceTypeMismatch', 'AuthorizationServiceMismatch', 'AuthorizationSourceIPMismatch', 'AuthorizationProtocolMismatch', 'InsufficientAccountPermissions']);
/** Most seconds of a server's `Retry-After` that are honoured; a longer wait is backoff's. */
const MAX_RETRY_AFTER_S = 120;

/** A request that got no answer within `read_timeout`. */
export class ReadTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

function codeOf(err: unknown): string {
  const e = err as { code?: unknown; details?: { errorCode?: unknown } };
  const c = e?.code ?? e?.details?.errorCode;
  return typeof c === 'string' ? c : '';
}

function statusOf(err: unknown): number | undefined {
  return err instanceof RestError ? err.statusCode : undefined;
}

/** Whether another attempt may succeed; a `Retry-After` the server sent is honoured. */
export function transient(err: unknown): Transient | null {
  if (err instanceof SourceError) return null;
  const status = statusOf(err);
  if (!RETRY_CODES.has(codeOf(err)) && !(status !== undefined && RETRY_STATUS.has(status))) return null;
  const after = Number(err instanceof RestError ? err.response?.headers.get('retry-after') : undefined);
  return Number.isFinite(after) && after >= 0 && after <= MAX_RETRY_AFTER_S ? { retryAfterMs: after * 1000 } : {};
}

/** The storage error turned into what the user should do. */
export function explain(err: unknown, what: string, where: string): SourceError {
  if (err instanceof SourceError) return err;
  const code = codeOf(err);
  const status = statusOf(err);
  const msg = ((err as Error)?.message ?? String(err)).split('\n')[0].slice(0, 200);
  const said = code || (status === undefined ? 'no answer' : `HTTP ${status}`);
  if (CREDENTIAL_CODES.has(code)) {
    return new SourceError(`${where} rejected the credentials (${code}) while ${what}: check [account_name] and [account_key] (and that the account's network rules admit this server)`, { cause: err });
  }
  if (code === 'ContainerNotFound') {
    return new SourceError(`${where}: container not found while ${what}: fix [containers] to name an existing container`, { cause: err });
  }
  if (PERMISSION_CODES.has(code) || status === 403) {
    return new SourceError(`${where} denied access while ${what} (${said}): the key needs to list containers, read container properties, list blobs and read blobs (docs/sources/azure_blob_storage.md "Permissions")`, { cause: err });
  }
  if (code === 'AccountIsDisabled' || code === 'ResourceNotFound' || code === 'InvalidUri' || code === 'InvalidResourceName') {
    return new SourceError(`${where} refused the request while ${what} (${code}): check [blob_endpoint] and [account_name]`, { cause: err });
  }
  if (transient(err) || err instanceof ReadTimeout) {
    return new SourceError(`Cannot reach ${where} while ${what} (${said}: ${msg}); retried [retry_count] times: check [blob_endpoint] and the network`, { transient: true, cause: err });
  }
  return new SourceError(`${where} failed while ${what}: ${said} ${msg}`, { cause: err });
}

function stringMap(m: Record<string, string> | undefined): Record<string, string> {
  return m ? { ...m } : {};
}

export class AzureApi {
  private service: Promise<BlobServiceClient> | null = null;
  private agent: HttpAgent | HttpsAgent | null = null;
  readonly where: string;

  constructor(
    private readonly s: AzureSettings,
    private readonly allowedHosts: readonly string[] | null,
  ) {
    this.where = `Azure Blob Storage at ${s.endpoint.origin}`;
  }

  /** The client, once the endpoint's host passed the allow-list: every connection goes to the checked address. */
  private client(): Promise<BlobServiceClient> {
    this.service ??= resolveAllowed(this.s.endpoint.hostname, this.allowedHosts, this.where).then((t) => {
      const opts = { keepAlive: true, maxSockets: Math.max(16, this.s.concurrentDownloads + 4), ...(this.allowedHosts === null ? {} : { lookup: pinnedLookup(t.address) }) };
      this.agent = this.s.endpoint.protocol === 'https:' ? new HttpsAgent(opts as never) : new HttpAgent(opts as never);
      const options: StoragePipelineOptions & { agent: HttpAgent | HttpsAgent } = {
        retryOptions: { maxTries: 1 }, // retried in retry() below: retry_count, backoff, abort
        agent: this.agent, // core-rest-pipeline's agentPolicy: connections through the pinned lookup
      };
      const url = this.s.endpoint.href.replace(/\/+$/, '');
      return new BlobServiceClient(url, newPipeline(new StorageSharedKeyCredential(this.s.accountName, this.s.accountKey), options));
    });
    this.service.catch(() => (this.service = null));
    return this.service;
  }

  /** `fn` with `retry_count` retries; each attempt gets the sync's signal cut at `read_timeout`. */
  private async retry<T>(fn: (svc: BlobServiceClient, signal: AbortSignal) => Promise<T>, what: string, signal: AbortSignal): Promise<T> {
    const svc = await this.client().catch((err: unknown) => {
      throw explain(err, what, this.where);
    });
    return withRetry(
      async () => {
        const timeout = AbortSignal.timeout(this.s.readTimeoutMs);
        try {
          return await fn(svc, AbortSignal.any([signal, timeout]));
        } catch (err) {
          if (!signal.aborted && timeout.aborted) throw new ReadTimeout(`no answer within [read_timeout] ${this.s.readTimeoutMs / 1000} s`);
          throw err;
        }
      },
      {
        backoff: { initialDelayMs: 200, maxDelayMs: 10_000 },
        retries: this.s.retryCount,
        signal,
        classify: (err) => transient(err) ?? (err instanceof ReadTimeout ? {} : null),
      },
    ).catch((err: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw explain(err, what, this.where);
    });
  }

  /** Every container of the account with its metadata, page by page. */
  async *listContainers(signal: AbortSignal): AsyncGenerator<Container> {
    let marker: string | undefined;
    do {
      const page = await this.retry(
        async (svc, sig) => (await svc.listContainers({ includeMetadata: true, abortSignal: sig }).byPage({ maxPageSize: this.s.pageSize, continuationToken: marker }).next()).value,
        'listing containers',
        signal,
      );
      for (const c of page?.containerItems ?? []) yield { name: c.name, metadata: stringMap(c.metadata) };
      marker = page?.continuationToken || undefined;
    } while (marker);
  }

  /** A container's metadata; a missing container is an error that says to fix [containers]. */
  async container(name: string, signal: AbortSignal): Promise<Container> {
    const p = await this.retry((svc, sig) => svc.getContainerClient(name).getProperties({ abortSignal: sig }), `reading container [${name}]`, signal);
    return { name, metadata: stringMap(p.metadata) };
  }

  /** Pages of the container's blobs in name order; one request in flight, one page held. */
  async *listBlobs(c: Container, signal: AbortSignal, pageSize = this.s.pageSize): AsyncGenerator<AzureBlob[]> {
    let marker: string | undefined;
    do {
      const page = await this.retry(
        async (svc, sig) =>
          (await svc.getContainerClient(c.name).listBlobsFlat({ includeMetadata: true, abortSignal: sig }).byPage({ maxPageSize: pageSize, continuationToken: marker }).next()).value,
        `listing container [${c.name}]`,
        signal,
      );
      // Directories of accounts with a hierarchical namespace are listed as empty blobs marked hdi_isfolder.
      yield (page?.segment.blobItems ?? []).filter((b: BlobItem) => b.metadata?.hdi_isfolder !== 'true').map((b: BlobItem) => ({
        container: c.name,
        name: b.name,
        size: b.properties.contentLength ?? 0,
        lastModified: b.properties.lastModified,
        createdOn: b.properties.createdOn ?? null,
        etag: b.properties.etag,
        contentType: b.properties.contentType ?? null,
        tier: b.properties.accessTier ?? null,
        metadata: stringMap(b.metadata),
        lease: { status: b.properties.leaseStatus ?? null, state: b.properties.leaseState ?? null, duration: b.properties.leaseDuration ?? null },
        containerMetadata: c.metadata,
      }));
      marker = page?.continuationToken || undefined;
    } while (marker);
  }

  /** The blob's bytes, or 'too-big' past `maxBytes` (only `maxBytes + 1` are asked for). */
  download(b: AzureBlob, maxBytes: number, signal: AbortSignal): Promise<Uint8Array | 'too-big'> {
    return this.retry(
      async (svc, sig) => {
        let r;
        try {
          r = await svc.getContainerClient(b.container).getBlobClient(b.name).download(0, maxBytes + 1, { abortSignal: sig, maxRetryRequests: 0 });
        } catch (err) {
          if (codeOf(err) === 'InvalidRange') return new Uint8Array(0); // emptied since the listing
          throw err;
        }
        const body = r.readableStreamBody as Readable | undefined;
        if (!body) return new Uint8Array(0);
        return readCapped(body, maxBytes, sig);
      },
      `downloading [${b.name}] from container [${b.container}]`,
      signal,
    );
  }

  close(): void {
    this.agent?.destroy();
    this.agent = null;
    this.service = null;
  }
}
