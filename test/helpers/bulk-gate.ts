/**
 * A loopback proxy in front of a Tributary server (test/sink/helpers/proxy.ts) that lets a set
 * number of `_bulk` requests through and holds the rest until `release()`. Everything else
 * passes at once, so a worker behind it keeps its heartbeats and status checks while its sync
 * is held mid-stream: tests that stop a worker "mid-sync" then do not race the sync's own end.
 */
import { startProxy } from '../sink/helpers/proxy.js';

export interface BulkGate {
  url: string;
  /** `_bulk` requests waiting for `release()`. */
  readonly held: number;
  release(): void;
  close(): Promise<void>;
}

export async function startBulkGate(target: string, allowBulks: number): Promise<BulkGate> {
  const proxy = await startProxy(target);
  let passed = 0;
  let released = false;
  const waiting: (() => void)[] = [];
  proxy.fault = (req) => {
    if (!req.path.endsWith('/_bulk') || released || passed < allowBulks) {
      if (req.path.endsWith('/_bulk')) passed++;
      return undefined;
    }
    return new Promise<undefined>((go) => waiting.push(() => go(undefined)));
  };
  return {
    url: proxy.url,
    get held() {
      return waiting.length;
    },
    release() {
      released = true;
      for (const go of waiting.splice(0)) go();
    },
    close: () => proxy.close(),
  };
}
