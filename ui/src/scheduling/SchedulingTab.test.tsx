/**
 * The scheduling tab in a DOM: one card per schedule type with the stored values, the sentence
 * and next runs following what is typed, an invalid expression's reason inline and the save
 * blocked, the saved body, the API's refusal shown, and a read-only user offered no control.
 */
import '../../test/dom';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { click, render, type, type Mounted } from '../../test/dom';
import { ApiError } from '../api/client';
import type { Connector, JobType, Scheduling } from '../api/types';
import { SchedulingTab } from './SchedulingTab';

const NOW = new Date('2026-12-07T10:30:00Z');
const CONNECTOR = {
  id: 'c1', name: 'c1', index_name: 'search-c1', service_type: 'directory', status: 'connected', configuration: {},
  scheduling: {
    full: { enabled: true, interval: '0 0 0 * * ?' },
    incremental: { enabled: false, interval: '0 0/30 * * * ?' },
    access_control: { enabled: false, interval: '0 0 0 * * ?' },
  },
} as Connector;

let mounted: Mounted | null = null;
afterEach(async () => {
  await mounted?.unmount();
  mounted = null;
});

async function mount(opts: { types?: JobType[]; readOnly?: boolean; save?: (s: Partial<Scheduling>) => Promise<void> } = {}) {
  mounted = await render(
    <SchedulingTab connector={CONNECTOR} types={opts.types ?? ['full', 'incremental']} readOnly={opts.readOnly ?? false} save={opts.save ?? (async () => {})} now={NOW} />,
  );
  return mounted.container;
}

const input = (c: HTMLElement, name: string) => c.querySelector(`[name="${name}"]`) as HTMLInputElement;
const card = (c: HTMLElement, t: string) => c.querySelector(`[data-schedule="${t}"]`) as HTMLElement;
const submit = (c: HTMLElement) => c.querySelector('button[type="submit"]') as HTMLButtonElement | null;

describe('scheduling tab', () => {
  test('a card per schedule type, with the stored values, the sentence and the next three runs', async () => {
    const c = await mount();
    assert.ok(card(c, 'full') && card(c, 'incremental'));
    assert.equal(card(c, 'access_control'), null);
    assert.equal(input(c, 'full.enabled').checked, true);
    assert.equal(input(c, 'full.interval').value, '0 0 0 * * ?');
    assert.equal(input(c, 'incremental.enabled').checked, false);
    assert.equal(card(c, 'full').querySelector('[data-cron-sentence]')!.textContent, 'At 00:00 (UTC)');
    assert.equal(
      card(c, 'full').querySelector('[data-next-runs]')!.textContent,
      'Next runs: 2026-12-08 00:00:00 UTC · 2026-12-09 00:00:00 UTC · 2026-12-10 00:00:00 UTC',
    );
    assert.match(card(c, 'incremental').querySelector('[data-next-runs]')!.textContent!, /^Next runs \(when enabled\): 2026-12-07 11:00:00 UTC/);
  });

  test('typing updates the sentence; an invalid expression shows the reason and blocks the save', async () => {
    const c = await mount();
    await type(input(c, 'full.interval'), '0 0 0 * * *');
    assert.match(card(c, 'full').textContent!, /day-of-month \[\*\] and day-of-week \[\*\] cannot both be set/);
    assert.equal(card(c, 'full').querySelector('[data-cron-sentence]'), null);
    assert.equal(input(c, 'full.interval').getAttribute('aria-invalid'), 'true');
    assert.equal(submit(c)!.disabled, true);
    await type(input(c, 'full.interval'), '0 15 10 ? * MON-FRI');
    assert.equal(card(c, 'full').querySelector('[data-cron-sentence]')!.textContent, 'At 10:15, Monday through Friday (UTC)');
    assert.equal(submit(c)!.disabled, false);
  });

  test('saving sends every shown schedule type, trimmed', async () => {
    const sent: Partial<Scheduling>[] = [];
    const c = await mount({ save: async (s) => void sent.push(s) });
    await click(input(c, 'incremental.enabled'));
    await type(input(c, 'incremental.interval'), ' 0 0 */6 * * ? ');
    await click(submit(c));
    assert.deepEqual(sent, [{ full: { enabled: true, interval: '0 0 0 * * ?' }, incremental: { enabled: true, interval: '0 0 */6 * * ?' } }]);
    assert.match(c.querySelector('[data-schedule-result="ok"]')!.textContent!, /Schedules saved/);
  });

  test("the API's refusal is shown inline", async () => {
    const c = await mount({
      save: async () => {
        throw new ApiError(403, 'security_exception', 'action [cluster:admin/xpack/connector/update_scheduling] is unauthorized for user [reader] (your user lacks the privilege for this)');
      },
    });
    await click(submit(c));
    const alert = c.querySelector('[data-schedule-result="error"]')!;
    assert.equal(alert.getAttribute('role'), 'alert');
    assert.match(alert.textContent!, /is unauthorized for user \[reader\]/);
  });

  test('read-only: no save button, the inputs cannot change', async () => {
    const c = await mount({ readOnly: true });
    assert.equal(submit(c), null);
    assert.equal(input(c, 'full.enabled').disabled, true);
    assert.equal(input(c, 'full.interval').readOnly, true);
    assert.equal(card(c, 'full').querySelector('[data-cron-sentence]')!.textContent, 'At 00:00 (UTC)');
  });
});
