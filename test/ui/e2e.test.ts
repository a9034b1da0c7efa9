/**
 * The web UI end to end (docs/ui.md "Tests"), in Debian's Chromium driven by playwright-core:
 * `tributary serve` (API, UI and in-process worker) on a free loopback port; through the pages,
 * create a directory connector, fill its configuration, start a full sync, watch the job
 * complete and search the synced documents. Skipped when /usr/bin/chromium or the UI build
 * (dist/ui, `npm run build:ui`) is missing, except under CI=true where that is a failure.
 * TRIBUTARY_UI_SCREENSHOTS=docs/ui writes a screenshot of each page there (docs/ui.md).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve } from '../../src/app/serve.js';
import { uiBuildDir } from '../../src/app/version.js';
import { freePort } from '../helpers/bin-process.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const uiDir = uiBuildDir();
const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install -y chromium)`
  : !uiDir || !existsSync(join(uiDir, 'index.html'))
    ? 'the web UI is not built (npm run build:ui)'
    : null;
if (missing && process.env.CI === 'true') it(`web UI end to end can run (CI=true): ${missing}`, () => assert.fail(missing));
const shots = process.env.TRIBUTARY_UI_SCREENSHOTS ? resolve(process.env.TRIBUTARY_UI_SCREENSHOTS) : null;
const skip = missing && process.env.CI !== 'true' ? `${missing} (set CI=true to fail instead)` : false;

interface Stack {
  dir: string;
  url: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** `tributary serve` with this config file on a free loopback port, and a Chromium page. */
async function startStack(prefix: string, configYaml: string, worker: boolean, prepare: (dir: string) => void = () => {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  prepare(dir);
  const config = join(dir, 'tributary.yml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const stop = await serve({ port: String(port), host: '127.0.0.1', data: join(dir, 'data'), config, maxBody: String(1 << 20), logLevel: 'silent', worker });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
  return {
    dir,
    url: `http://127.0.0.1:${port}`,
    browser,
    page,
    async close() {
      await browser.close();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('web UI in Chromium', { skip, timeout: 240_000 }, () => {
  let stack: Stack;
  let dir: string;
  let page: Page;
  let url: string;

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
    await shot('connectors');
  });
});

describe('web UI in Chromium with security on', { skip, timeout: 240_000 }, () => {
  let stack: Stack;
  let page: Page;
  let url: string;

  before(async () => {
    stack = await startStack('tributary-ui-sec-', 'security:\n  enabled: true\n  users:\n    root: {password: root-password, roles: [superuser]}\n', false);
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
    await page.getByText('No connectors yet.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/_ui\/login$/);
    await page.goto(`${url}/_ui/connectors`);
    await page.waitForURL(/\/_ui\/login\?next=/);
  });
});
