/** The sync status state machine, pair by pair against connector-api.md §7.2. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { SYNC_STATUSES, type SyncStatus } from '../connector/enums.js';
import { assertSyncTransition, CLAIMABLE, invalidSyncTransition, isValidSyncTransition } from './state-machine.js';

/** §7.2, written out independently of the implementation's table. */
const ALLOWED: Record<SyncStatus, SyncStatus[]> = {
  pending: ['in_progress', 'canceled'],
  in_progress: ['canceling', 'completed', 'suspended', 'error'],
  suspended: ['in_progress', 'canceled'],
  canceling: ['canceled', 'error'],
  completed: [],
  canceled: [],
  error: [],
};

const reason = (from: string, to: string) =>
  `Invalid transition attempt from [${from}] to [${to}]. Such a ConnectorSyncStatus transition is not supported by the Connector Protocol.`;

describe('sync status state machine (§7.2)', () => {
  it('knows the seven statuses', () => {
    assert.deepEqual([...SYNC_STATUSES].sort(), Object.keys(ALLOWED).sort());
  });

  for (const from of SYNC_STATUSES) {
    for (const to of SYNC_STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'forbidden'}`, () => {
        assert.equal(isValidSyncTransition(from, to), allowed);
        if (allowed) {
          assert.doesNotThrow(() => assertSyncTransition(from, to));
          return;
        }
        assert.throws(
          () => assertSyncTransition(from, to),
          (e: unknown) => {
            assert.ok(e instanceof ApiError);
            assert.equal(e.status, 400);
            assert.equal(e.type, 'status_exception');
            assert.equal(e.reason, reason(from, to));
            assert.deepEqual(e.causedBy, { type: 'connector_sync_job_invalid_status_transition_exception', reason: reason(from, to) });
            return true;
          },
        );
      });
    }
  }

  it('no status moves to itself (a repeated write is not a transition)', () => {
    for (const s of SYNC_STATUSES) assert.equal(isValidSyncTransition(s, s), false, s);
  });

  it('terminal statuses allow nothing', () => {
    for (const from of ['completed', 'canceled', 'error'] as const) {
      assert.deepEqual(SYNC_STATUSES.filter((to) => isValidSyncTransition(from, to)), []);
    }
  });

  it('unknown statuses are forbidden both ways, not a crash', () => {
    assert.equal(isValidSyncTransition('bogus' as SyncStatus, 'pending'), false);
    assert.equal(isValidSyncTransition('pending', 'bogus' as SyncStatus), false);
    assert.throws(() => assertSyncTransition('pending', 'bogus' as SyncStatus), (e: unknown) => (e as ApiError).reason === reason('pending', 'bogus'));
  });

  it('invalidSyncTransition builds the error without checking', () => {
    const e = invalidSyncTransition('canceled', 'canceling');
    assert.equal(e.type, 'status_exception');
    assert.equal(e.reason, reason('canceled', 'canceling'));
  });

  it('only pending and suspended jobs are claimable, and both may move to in_progress', () => {
    assert.deepEqual([...CLAIMABLE].sort(), ['pending', 'suspended']);
    for (const s of CLAIMABLE) assert.equal(isValidSyncTransition(s, 'in_progress'), true);
    for (const s of SYNC_STATUSES.filter((x) => !CLAIMABLE.includes(x))) assert.equal(isValidSyncTransition(s, 'in_progress'), false, s);
  });
});
