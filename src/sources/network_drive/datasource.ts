/**
 * The `network_drive` source (docs/sources/network_drive.md): one document per file and folder
 * below `drive_path` on an SMB share, with Elastic's fields (`title`, `path`, `size`,
 * `created_at`, `_timestamp` = change time, `type` file/folder) and the extracted `body`.
 *
 *   walk, folder by folder (client.ts: one folder's listing held at a time) → advanced-rule
 *     folder globs (rules.ts) → basic rules pushed down on metadata → `concurrent_downloads`
 *     reads + text extraction (shared/object-store-content.ts) → documents, with
 *     `_allow_access_control` from the file's ACL when document-level security is on (acl.ts)
 *
 * Incremental syncs walk again (listings are cheap, reads are not) and yield only entries whose
 * change or modification time is after the previous walk; deletions are detected with
 * per-folder fingerprints of the paths (shared/object-store-sync.ts, the algorithm the object
 * stores use), and when something is gone the run re-enumerates so the runtime sweeps it.
 */
import { createHash } from 'node:crypto';
import { Budget } from '../../extraction/budget.js';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, RulesValidation, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { withAccess } from '../shared/access-control.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { wantsContent, withObjectText } from '../shared/object-store-content.js';
import { objectDocuments, ObjectStoreSource, ObjectStoreSync, selectionHash } from '../shared/object-store-sync.js';
import { folderAcls, readersOf, type Ace } from './acl.js';
import { SmbShare, SmbStatusError, STATUS, unc, type SmbEntry } from './client.js';
import { networkDriveConfigSchema, readNetworkDriveSettings, type NetworkDriveSettings } from './config.js';
import { checkMappingsFile, mappedUsers, sidIdentity, userAccessDocument } from './identities.js';
import { advancedPatterns, folderMatcher, validateNetworkDriveRules } from './rules.js';

/** Bytes of file content held at once by every network_drive sync of the process. */
export const READ_BUDGET = new Budget(128 * 1024 * 1024);
const PING_TIMEOUT_MS = 60_000;

/** A stable id per path on the share (the same file gets the same id in every sync). */
export function documentId(share: string, path: string): string {
  return createHash('sha256').update(`${share}/${path}`).digest('hex').slice(0, 32);
}

type Acls = () => Promise<Map<string, Ace[] | null>>;

interface Listed {
  /** Share-relative, `/`-separated. */
  path: string;
  e: SmbEntry;
  /** The permissions of the entries of this entry's folder, read once (null without DLS). */
  acls: Acls | null;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= fn();
    p.catch(() => {});
    return p;
  };
}

function changedAt(e: SmbEntry): Date {
  return e.changed.getTime() > e.modified.getTime() ? e.changed : e.modified;
}

class NetworkDriveSource extends ObjectStoreSource<Listed> implements Source {
  private readonly share: SmbShare;
  protected readonly sync: ObjectStoreSync<Listed>;

  constructor(
    private readonly s: NetworkDriveSettings,
    private readonly policy: SourcePolicy,
  ) {
    super();
    this.share = new SmbShare(s, policy.allowedHosts);
    this.sync = new ObjectStoreSync<Listed>({
      list: (ctx) => this.walk(ctx),
      ref: (l) => ({ bucket: s.share, key: l.path, id: documentId(s.share, l.path), modified: changedAt(l.e) }),
      documents: (listed, ctx) => this.documents(listed, ctx),
      selection: (ctx) => this.selection(ctx),
      listeners: s.concurrentDownloads * 3 + 16,
      fingerprint: 'key',
      lostMessage: 'files or folders removed since the previous sync: re-enumerating so deletions are applied',
    });
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(PING_TIMEOUT_MS);
    if (this.s.dls) await checkMappingsFile(this.s.identityMappings, this.policy.directoryRoots);
    await this.share.ping(signal);
  }

  /** Files and folders below `drive_path`, depth first; one folder's entries held at a time. */
  private async *walk(ctx: SyncContext): AsyncGenerator<Listed> {
    const patterns = advancedPatterns(ctx.advancedRules);
    if (patterns) {
      const v = validateNetworkDriveRules(ctx.advancedRules);
      if (!v.valid) throw new SourceError(`Invalid advanced sync rules: ${v.messages.join('; ')}`);
    }
    const match = patterns ? folderMatcher(patterns) : null;
    const { s, share } = this;
    const acls = (folder: string): Acls | null => (s.dls ? once(async () => folderAcls(s, await share.address(), folder, ctx.signal)) : null);
    const visit = async function* (folder: string, selected: boolean): AsyncGenerator<Listed> {
      const entries = await share.listFolder(folder, ctx.signal);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const folderAcls = acls(folder);
      const subfolders: [string, boolean][] = [];
      for (const e of entries) {
        if (e.name.includes('/')) continue; // not representable in a path; the library's own conversion
        const path = folder ? `${folder}/${e.name}` : e.name;
        if (selected) yield { path, e, acls: folderAcls };
        if (e.isDir) subfolders.push([path, selected || (match !== null && match(`${s.share}/${path}`))]);
      }
      entries.length = 0;
      for (const [path, sel] of subfolders) yield* visit(path, sel);
    };
    yield* visit(s.folder, match === null || match([s.share, s.folder].filter(Boolean).join('/')));
  }

  private selection(ctx: SyncContext): string {
    return selectionHash(ctx, [this.s.serverIp, this.s.port, this.s.share, this.s.folder, this.s.dls, ctx.advancedRules ?? {}]);
  }

  private metadata({ path, e }: Listed): SourceDocument {
    return {
      _id: documentId(this.s.share, path),
      _timestamp: e.changed.toISOString(),
      title: e.name,
      path: unc(this.s, path),
      size: e.isDir ? 0 : e.size,
      created_at: e.created.toISOString(),
      last_modified: e.modified.toISOString(),
      type: e.isDir ? 'folder' : 'file',
    };
  }

  private async withPermissions(l: Listed, doc: SourceDocument, ctx: SyncContext): Promise<void> {
    if (!l.acls) return;
    const aces = (await l.acls()).get(l.e.name);
    if (!aces) ctx.reportFailure?.(doc._id, `The permissions of [${doc.path}] could not be read: indexed visible to nobody under document level security.`);
    withAccess(doc, aces ? readersOf(aces).map(sidIdentity) : []);
  }

  private async withContent(l: Listed, doc: SourceDocument, ctx: SyncContext): Promise<SourceDocument> {
    await this.withPermissions(l, doc, ctx);
    if (l.e.isDir || !wantsContent(l.e.name, ctx)) return doc;
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    return withObjectText(doc, {
      where: `File [${doc.path}]`,
      key: l.e.name,
      size: l.e.size,
      download: (maxBytes) => this.share.read(l.path, maxBytes, ctx.signal),
      perObject: (err) => {
        if (!(err instanceof SmbStatusError)) return null;
        if (err.status === STATUS.OBJECT_NAME_NOT_FOUND || err.status === STATUS.OBJECT_PATH_NOT_FOUND) return 'gone';
        if (err.status === STATUS.ACCESS_DENIED) return `access denied to [${this.s.username}]`;
        if (err.status === STATUS.SHARING_VIOLATION) return 'locked by another program';
        return null;
      },
    }, READ_BUDGET, limits, ctx);
  }

  private documents(listed: AsyncIterable<Listed>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return objectDocuments(listed, ctx, this.s.concurrentDownloads, (l) => this.metadata(l), (l, doc) => this.withContent(l, doc, ctx));
  }

  async *getAccessControl(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    if (!this.s.dls) {
      ctx.log.warn('document level security is off ([use_document_level_security]): no identities to sync');
      return;
    }
    const now = new Date();
    for await (const u of mappedUsers(this.s.identityMappings, this.policy.directoryRoots, ctx.signal)) yield userAccessDocument(u, now);
  }

  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    return validateNetworkDriveRules(rules);
  }

  async close(): Promise<void> {
    await this.share.close();
  }
}

export const networkDriveSource: SourceFactory = {
  serviceType: 'network_drive',
  displayName: 'Network Drive',
  configSchema: networkDriveConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: true,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createOrExplain(() => new NetworkDriveSource(readNetworkDriveSettings(config), policy), {
      validateRules: validateNetworkDriveRules,
      accessControl: true,
    });
  },
};
