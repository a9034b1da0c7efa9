import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApi } from '../../../test/helpers/assert-es.js';
import { CONNECTOR_STATUSES, type ConnectorStatus } from './enums.js';
import {
  assertConnectorTransition, isValidConnectorTransition, statusAfterError, statusAfterNativeChange, statusAfterServiceTypeChange,
} from './status-machine.js';

// connector-api.md §5.1, the 9.x table, row by row (from → allowed targets).
const TABLE: Record<ConnectorStatus, ConnectorStatus[]> = {
  created: ['needs_configuration', 'error'],
  needs_configuration: ['configured', 'error'],
  configured: ['needs_configuration', 'configured', 'connected', 'error'],
  connected: ['configured', 'connected', 'error'],
  error: ['configured', 'connected', 'error'],
};

describe('connector status state machine (§5.1)', () => {
  for (const from of CONNECTOR_STATUSES) {
    for (const to of CONNECTOR_STATUSES) {
      const allowed = TABLE[from].includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : 'forbidden'}`, () => {
        assert.equal(isValidConnectorTransition(from, to), allowed);
        if (allowed) {
          assert.doesNotThrow(() => assertConnectorTransition(from, to));
        } else {
          const reason = `Invalid transition attempt from [${from}] to [${to}]. Such a status transition is not supported by the Connector Protocol.`;
          const e = throwsApi(() => assertConnectorTransition(from, to), 'status_exception', reason);
          assert.equal(e.status, 400);
          assert.deepEqual(e.causedBy, { type: 'connector_invalid_status_transition_exception', reason });
        }
      });
    }
  }

  it('covers all 25 pairs: 14 allowed, 11 forbidden', () => {
    let n = 0;
    for (const f of CONNECTOR_STATUSES) for (const t of CONNECTOR_STATUSES) if (isValidConnectorTransition(f, t)) n++;
    assert.equal(n, 14);
  });

  it('treats an unknown stored status as having no transitions', () => {
    assert.equal(isValidConnectorTransition('bogus' as ConnectorStatus, 'configured'), false);
  });
});

describe('implicit status changes (§5.2)', () => {
  it('_service_type keeps created, otherwise needs_configuration', () => {
    assert.equal(statusAfterServiceTypeChange('created'), 'created');
    for (const s of ['needs_configuration', 'configured', 'connected', 'error'] as const) {
      assert.equal(statusAfterServiceTypeChange(s), 'needs_configuration', s);
    }
  });

  it('_native turns connected into configured and keeps the rest', () => {
    assert.equal(statusAfterNativeChange('connected'), 'configured');
    for (const s of ['created', 'needs_configuration', 'configured', 'error'] as const) assert.equal(statusAfterNativeChange(s), s);
  });

  it('_error: non-empty → error, null or "" → connected', () => {
    assert.equal(statusAfterError('boom'), 'error');
    assert.equal(statusAfterError(' '), 'error');
    assert.equal(statusAfterError(null), 'connected');
    assert.equal(statusAfterError(''), 'connected');
  });
});
