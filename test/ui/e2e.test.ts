/**
 * The web UI end to end (docs/ui.md "Tests"), in Debian's Chromium driven by playwright-core:
 * `tributary serve` (API, UI and in-process worker) on a free loopback port; through the pages,
 * create a directory connector, fill its configuration, start a full sync, watch the job
 * complete and search the synced documents; change a schedule and a sync rule; with security
 * on, sign in and out, and a read-only user offered no edit control. Skipped when /usr/bin/chromium or the UI build
 * (dist/ui, `npm run build:ui`) is missing, except under CI=true where that is a failure.
 * TRIBUTARY_UI_SCREENSHOTS=docs/ui writes a screenshot of each page there (docs/ui.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startStack, uiSkip, type Stack } from './helpers/browser-stack.js';

const skip = uiSkip();
const shots = process.env.TRIBUTARY_UI_SCREENSHOTS ? resolve(process.env.TRIBUTARY_UI_SCREENSHOTS) : null;

describe('web UI in Chromium', { skip, timeout: 240_000 }, () => {
  let stack: Stack;
  let dir: string;
  let page: Page;
  let url: string;
  let connectorId = '';

  async function shot(name: string) {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  before(async () => {
    const worker = 'worker:\n  poll_interval: 200ms\n  job_poll_interval: 200ms\n  heartbeat: 1s\n  cancel_poll: 200ms\n';
    stack = await startStack('tributary-ui-', worker, true, (d) => {
      const docs = join(d, 'docs');
      mkdirSync(docs);
      writeFileSync(join(docs, 'otters.md'), '# Otters\n\nRiver otters hold hands while they sleep.\n');
      writeFileSync(join(docs, 'herons.txt'), 'Grey herons stand still in shallow water, waiting for fish.\n');
      writeFileSync(join(docs, 'ledger.txt'), 'x'.repeat(5000));
      writeFileSync(join(docs, 'kingfisher.html'), '<html><head><title>Kingfisher</title></head><body><p>The kingfisher dives for fish.</p></body></html>');
    });
    ({ dir, page, url } = stack);
  });

  after(async () => {
    await stack?.close();
  });

  it('/_ui/ opens the connectors list; GET / stays Elasticsearch', async () => {
    await page.goto(`${url}/_ui/`);
    await page.getByRole('heading', { name: 'Connectors' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/_ui/connectors');
    await page.getByText('No connectors yet.').waitFor();
    const root = await (await fetch(`${url}/`)).json();
    assert.equal(root.tagline, 'You Know, for Search');
  });

  it('creates a directory connector, configures it, syncs it and searches its documents', async () => {
    await page.getByRole('link', { name: 'New connector' }).click();
    await page.getByLabel('Directory', { exact: true }).check();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Field notes');
    assert.equal(await page.getByRole('textbox', { name: 'Index name' }).inputValue(), 'search-field-notes');
    await shot('create-connector');
    await page.getByRole('button', { name: 'Create connector' }).click();
    await page.waitForURL(/\/_ui\/connectors\/[^/]+\/configuration$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]);
    // The in-process connector service registers the schema within its 200 ms poll; a save at that
    // very moment would race its registration (PUT _configuration replaces the whole schema).
    for (let i = 0; i < 100; i++) {
      const c = await (await fetch(`${url}/_connector/${encodeURIComponent(id)}`)).json();
      if (Object.keys(c.configuration ?? {}).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    await page.getByRole('textbox', { name: 'Folder path' }).fill(join(dir, 'docs'));
    // Over this size a file is indexed without its content and listed as a per-document failure.
    await page.getByRole('textbox', { name: 'Maximum file size (bytes)' }).fill('4096');
    await shot('configuration');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText('Configuration saved').waitFor();
    // Saved through the public API, as typed.
    const saved = await (await fetch(`${url}/_connector/${encodeURIComponent(id)}`)).json();
    assert.equal(saved.configuration.path.value, join(dir, 'docs'));
    assert.equal(saved.configuration.max_file_size.value, 4096);

    await page.getByRole('button', { name: 'Full sync' }).click();
    await page.waitForURL(/\/jobs$/);
    await page.locator('[data-job-status="completed"]').waitFor({ timeout: 120_000 });
    assert.equal((await page.locator('[data-job-status="completed"] [data-indexed]').innerText()).trim(), '4');
    assert.match(await page.locator('[data-failures] summary').innerText(), /^1 document failed$/);
    await shot('sync-jobs');

    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.waitForURL(/\/documents$/);
    await page.locator('[data-total="4"]').waitFor();
    await page.getByLabel('Search search-field-notes').fill('fish');
    await page.locator('[data-total="2"]').waitFor();
    assert.equal(await page.locator('[data-hit]').count(), 2);
    // The document JSON viewer, folded until asked.
    const json = page.locator('[data-json]').first();
    await json.locator('summary').click();
    const source = JSON.parse(await json.locator('pre').innerText());
    assert.match(JSON.stringify(source), /fish/);
    await shot('documents');

    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.waitForURL(new RegExp(`/_ui/connectors/${encodeURIComponent(id)}$`));
    await page.locator('[data-sync-status="completed"]').first().waitFor();
    await shot('connector-overview');

    // A shared link reloads into the same page (the server answers /_ui/* with the app).
    await page.goto(`${url}/_ui/connectors/${encodeURIComponent(id)}/jobs`);
    await page.locator('[data-job-status="completed"]').waitFor();

    await page.goto(`${url}/_ui/connectors`);
    await page.locator(`[data-connector="${id}"]`).waitFor();
    assert.match(await page.locator(`[data-connector="${id}"]`).innerText(), /connected|configured/i);
    assert.equal(await page.locator(`[data-connector="${id}"] [data-source-icon="directory"]`).innerText(), 'Di');
    await shot('connectors');
    connectorId = id;
  });

  it('changes a schedule: the sentence and next runs follow the cron, the API holds it', async () => {
    const id = connectorId;
    await page.goto(`${url}/_ui/connectors/${encodeURIComponent(id)}/scheduling`);
    const full = page.locator('[data-schedule="full"]');
    await full.waitFor();
    const cron = page.getByRole('textbox', { name: 'Full content sync cron expression' });
    await cron.fill('0 0 0 * * *');
    await full.getByText(/cannot both be set/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save schedules' }).isDisabled(), true);
    await cron.fill('0 15 10 ? * MON-FRI');
    assert.equal(await full.locator('[data-cron-sentence]').innerText(), 'At 10:15, Monday through Friday (UTC)');
    assert.equal(await full.locator('[data-next-runs="3"]').count(), 1);
    await page.getByRole('switch', { name: 'Full content sync enabled' }).check();
    await shot('scheduling');
    await page.getByRole('button', { name: 'Save schedules' }).click();
    await page.getByText('Schedules saved').waitFor();
    const c = await (await fetch(`${url}/_connector/${encodeURIComponent(id)}`)).json();
    assert.deepEqual(c.scheduling.full, { enabled: true, interval: '0 15 10 ? * MON-FRI' });
    await page.getByRole('tab', { name: 'Overview' }).click();
    assert.match(await page.locator('[data-next-sync="full"]').innerText(), /^full: At 10:15, Monday through Friday \(UTC\); next \d{4}-\d\d-\d\d 10:15:00 UTC$/);
  });

  it('adds a sync rule: saved as a draft, validated and activated by the connector service', async () => {
    const id = connectorId;
    await page.getByRole('tab', { name: 'Sync rules' }).click();
    await page.waitForURL(/\/sync-rules$/);
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('combobox', { name: 'Rule 1 policy' }).selectOption('exclude');
    await page.getByRole('textbox', { name: 'Rule 1 field' }).fill('extension');
    await page.getByRole('textbox', { name: 'Rule 1 value' }).fill('txt');
    await page.getByRole('button', { name: 'Save and validate draft' }).click();
    // The in-process worker validates the draft and activates it; the page polls the connector.
    await page.locator('[data-draft-state="active"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-active-rules] [data-active-rule]').nth(1).waitFor();
    await shot('sync-rules');
    const c = await (await fetch(`${url}/_connector/${encodeURIComponent(id)}`)).json();
    const active = c.filtering[0].active.rules.map((r: { policy: string; field: string; rule: string; value: string }) => [r.policy, r.field, r.rule, r.value]);
    assert.deepEqual(active, [['exclude', 'extension', 'equals', 'txt'], ['include', '_', 'regex', '.*']]);
    assert.equal(c.filtering[0].draft.validation.state, 'valid');
  });

  it('every control has an accessible name, and each page fits a phone screen', async () => {
    const base = `${url}/_ui/connectors/${encodeURIComponent(connectorId)}`;
    const pages: [string, string][] = [
      [`${url}/_ui/connectors`, '[data-connector]'],
      [`${url}/_ui/connectors/new`, '[data-source-type]'],
      [base, '[data-status]'],
      [`${base}/configuration`, 'form[aria-label="Configuration"]'],
      [`${base}/scheduling`, '[data-schedule]'],
      [`${base}/sync-rules`, '[data-draft-state]'],
      [`${base}/jobs`, '[data-job-status]'],
      [`${base}/documents`, '[data-hit]'],
    ];
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      for (const [href, ready] of pages) {
        await page.goto(href);
        await page.locator(ready).first().waitFor();
        const problems = await page.evaluate(() => {
          const out: string[] = [];
          for (const el of document.querySelectorAll<HTMLElement>('input:not([type=hidden]), select, textarea, button, a[href], [role=tab], [role=switch]')) {
            if (el.closest('[aria-hidden="true"]')) continue; // not for assistive technology (autosize's mirror)
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title') || el.textContent?.trim();
            if (!labelled) out.push(el.outerHTML.slice(0, 120));
          }
          // Wide tables scroll inside their own container; the page itself does not.
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page is ${document.documentElement.scrollWidth} px wide in ${window.innerWidth}`);
          return out;
        });
        assert.deepEqual(problems, [], `${href} at ${width} px`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the sync rules editor works from the keyboard', async () => {
    await page.goto(`${url}/_ui/connectors/${encodeURIComponent(connectorId)}/sync-rules`);
    await page.locator('[data-draft-state]').waitFor();
    const rows = await page.locator('form [data-rule]').count();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Add rule');
    }
    assert.ok(reached, 'Tab reaches Add rule');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('form [data-rule]').count(), rows + 1);
    // Focus moves on into the new row's controls in order, then Discard puts the draft back.
    await page.getByRole('textbox', { name: `Rule ${rows} field` }).focus();
    await page.keyboard.type('title');
    assert.equal(await page.getByRole('textbox', { name: `Rule ${rows} field` }).inputValue(), 'title');
    await page.getByRole('button', { name: 'Discard changes' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('form [data-rule]').count(), rows);
  });
});

describe('web UI in Chromium with security on', { skip, timeout: 240_000 }, () => {
  let stack: Stack;
  let page: Page;
  let url: string;

  before(async () => {
    const security = [
      'security:',
      '  enabled: true',
      '  users:',
      '    root: {password: root-password, roles: [superuser]}',
      '    viewer: {password: viewer-password, roles: [viewer]}',
      '  roles:',
      '    viewer: {cluster: [monitor_connector]}',
      '',
    ].join('\n');
    stack = await startStack('tributary-ui-sec-', security, false);
    ({ page, url } = stack);
  });

  after(async () => {
    await stack?.close();
  });

  it('asks to sign in, refuses a wrong password, signs in and out', async () => {
    await page.goto(`${url}/_ui/connectors?q=x`);
    await page.waitForURL(/\/_ui\/login\?next=/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('textbox', { name: 'User name' }).fill('root');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong user name or password').waitFor();
    await page.getByRole('textbox', { name: 'Password' }).fill('root-password');
    if (shots) await page.screenshot({ path: join(shots, 'login.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/_ui\/connectors\?q=x$/);
    await page.locator('[data-user="root"]').waitFor();
    await page.getByText('No connector matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/_ui\/login$/);
    await page.goto(`${url}/_ui/connectors`);
    await page.waitForURL(/\/_ui\/login\?next=/);
  });

  it('a read-only user sees the connector and no edit control', async () => {
    const root = { authorization: `Basic ${Buffer.from('root:root-password').toString('base64')}`, 'content-type': 'application/json' };
    const put = await fetch(`${url}/_connector/shared-notes`, { method: 'PUT', headers: root, body: JSON.stringify({ name: 'Shared notes', index_name: 'search-shared-notes', service_type: 'directory' }) });
    assert.ok(put.ok, await put.text());

    const signIn = async (user: string, password: string, next: string) => {
      await page.goto(`${url}/_ui/login?next=${encodeURIComponent(next)}`);
      await page.getByRole('textbox', { name: 'User name' }).fill(user);
      await page.getByRole('textbox', { name: 'Password' }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    // The superuser is offered the controls (so their absence below means something).
    await signIn('root', 'root-password', '/connectors/shared-notes/scheduling');
    await page.getByRole('button', { name: 'Save schedules' }).waitFor();
    await page.getByRole('button', { name: 'Full sync' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn('viewer', 'viewer-password', '/connectors');
    await page.locator('[data-read-only]').waitFor();
    await page.locator('[data-connector="shared-notes"]').waitFor();
    assert.equal(await page.getByRole('link', { name: 'New connector' }).count(), 0);
    await page.goto(`${url}/_ui/connectors/shared-notes/scheduling`);
    await page.locator('[data-read-only]').waitFor();
    await page.locator('[data-schedule="full"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Full sync' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save schedules' }).count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'Full content sync cron expression' }).getAttribute('readonly'), '');
    await page.getByRole('tab', { name: 'Sync rules' }).click();
    await page.locator('[data-draft-state]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add rule' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save and validate draft' }).count(), 0);
    await page.getByRole('tab', { name: 'Configuration' }).click();
    await page.getByRole('textbox', { name: 'Folder path' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save configuration' }).count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'Folder path' }).isDisabled(), true);
  });
});
