/**
 * One whole lifecycle of Elastic's Python connector service against Tributary, replayed with
 * the service's own requests (service-instance.ts), shared by the SQLite, PostgreSQL and
 * secured runs: preflight, connectors created by the Connector API and by the service's CLI,
 * polling, configuration registration, sync rules, scheduling, two instances racing a job's
 * start (steps-connectors.ts); a full sync of 1 200 documents with its deletion pass, stats
 * and sync done, cancel, suspend and resume, an incremental sync (steps-syncs.ts); a
 * connector's own API key, an access control sync, the cleanup of idle and orphaned jobs
 * (steps-cleanup.ts). The steps run in order on one server; each asserts what Tributary
 * stored, read back as the service or a user would.
 */
import { after, before, describe } from 'node:test';
import { Replay } from './lifecycle-context.js';
import type { LifecycleServer } from './lifecycle-server.js';
import { cleanupSteps } from './steps-cleanup.js';
import { connectorSteps } from './steps-connectors.js';
import { syncSteps } from './steps-syncs.js';

export function lifecycleCase(store: string, start: () => Promise<LifecycleServer>, secured = false): void {
  describe(`Elastic's connector service lifecycle, replayed (${store})`, () => {
    const r = new Replay(store, secured);
    before(() => r.open(start));
    after(() => r.close());
    connectorSteps(r);
    syncSteps(r);
    cleanupSteps(r);
  });
}
