/**
 * The connectors list with 10 000 connectors (issue 16: "interactive within 1 s on this
 * machine"), in Chromium: the connectors are written straight into the state store (far faster
 * than the API), then `tributary serve --no-worker` answers the UI. Measured in the page, from
 * the navigation's start to the first page of rows shown with the filters usable: the best of
 * three loads (the machine is shared) must be under 1 s. Then a text filter (after the 300 ms
 * pause the list waits for in typing), a type filter and the last page (400) answer in time too. Skipped as e2e.test.ts is.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openApp } from '../../src/app/open-app.js';
import { newConnectorDoc } from '../../src/domain/connector/defaults.js';
import { startStack, uiSkip, type Stack } from './helpers/browser-stack.js';

const skip = uiSkip();
const N = 10_000;
const TYPES = ['directory', 'mysql', 'postgresql', 's3', 'redis'];

async function seed(dataDir: string): Promise<void> {
  const app = await openApp({ dataDir });
  try {
    const now = new Date().toISOString();
    for (let i = 0; i < N; i += 1000) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(N, i + 1000); j++) {
        const doc = newConnectorDoc({ name: `Team ${j} notes`, index_name: `search-team-${j}`, service_type: TYPES[j % TYPES.length], description: j % 1000 === 7 ? 'quarterly reports' : 'notes' }, now);
        batch.push(app.store.connectors.put(`conn-${String(j).padStart(5, '0')}`, doc));
      }
      await Promise.all(batch);
    }
  } finally {
    for (const close of app.closers.reverse()) await close();
  }
}

/** Milliseconds from `action` until `selector` is shown and the search box takes input. */
async function timeUntil(page: Page, action: () => Promise<unknown>, selector: string): Promise<number> {
  const t0 = Date.now();
  await action();
  await page.locator(selector).first().waitFor();
  await page.getByRole('textbox', { name: 'Search' }).waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('textbox', { name: 'Search' }).isEditable(), true);
  return Date.now() - t0;
}

describe('connectors list with 10 000 connectors', { skip, timeout: 180_000 }, () => {
  let stack: Stack;
  let page: Page;
  let url: string;

  before(async () => {
    stack = await startStack('tributary-ui-10k-', 'security:\n  enabled: false\n', false, (dir) => seed(join(dir, 'data')));
    ({ page, url } = stack);
  });

  after(async () => {
    await stack?.close();
  });

  it('the first page is interactive within 1 s', async () => {
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      // A fresh navigation each time (assets from the browser cache, as a returning user has).
      loads.push(await timeUntil(page, () => page.goto(`${url}/_ui/connectors`), '[data-connector]'));
    }
    assert.equal(await page.locator('[data-connector]').count(), 25);
    const best = Math.min(...loads);
    console.log(`# 10k connectors list: loads ${loads.join(', ')} ms (best ${best} ms)`);
    assert.ok(best < 1000, `the list took ${best} ms at best (loads: ${loads.join(', ')})`);
  });

  it('filters and deep pages answer within 1 s', async () => {
    const text = await timeUntil(page, () => page.getByRole('textbox', { name: 'Search' }).fill('quarterly'), '[data-connector="conn-00007"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-connector]').length === 10);
    const last = await timeUntil(page, () => page.goto(`${url}/_ui/connectors?page=400`), '[data-connector="conn-09999"]');
    const type = await timeUntil(page, () => page.goto(`${url}/_ui/connectors?type=redis&page=80`), '[data-connector="conn-09999"]');
    console.log(`# 10k connectors list: text filter ${text} ms, page 400 ${last} ms, type filter page 80 ${type} ms`);
    // The text filter waits for a 300 ms pause in typing before it asks (ConnectorsList.tsx).
    for (const [what, ms, budget] of [['text filter', text, 1300], ['page 400', last, 1000], ['type filter', type, 1000]] as const) {
      assert.ok(ms < budget, `${what} took ${ms} ms (budget ${budget} ms)`);
    }
  });
});
