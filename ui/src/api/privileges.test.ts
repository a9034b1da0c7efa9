/** What the UI offers from a `_has_privileges` answer: a capability needs one of its actions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPABILITIES, capabilitiesOf } from './privileges';

const C = 'cluster:admin/xpack/connector/';

test('capabilities follow the actions held', () => {
  const none = capabilitiesOf({ cluster: {} });
  assert.ok(Object.values(none).every((v) => v === false));
  const reader = capabilitiesOf({ cluster: { [`${C}update_scheduling`]: false, [`${C}sync_job/post`]: false } });
  assert.equal(reader.schedule, false);
  assert.equal(reader.sync, false);
  const some = capabilitiesOf({ cluster: { [`${C}put`]: true, [`${C}update_scheduling`]: true, [`${C}sync_job/post`]: true } });
  assert.deepEqual(some, { createConnector: true, configure: false, schedule: true, syncRules: false, sync: true, cancelSync: false });
  const all = capabilitiesOf({ cluster: Object.fromEntries(Object.values(CAPABILITIES).flat().map((a) => [a, true])) });
  assert.ok(Object.values(all).every((v) => v === true));
});
