/**
 * The web UI's browser tests' stack (docs/ui.md "Tests"): `tributary serve` on a free loopback
 * port and a page of Debian's Chromium driven by playwright-core. `uiSkip` says why such a test
 * cannot run here (no /usr/bin/chromium, no UI build): a skip, or a failure under CI=true.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve } from '../../../src/app/serve.js';
import { uiBuildDir } from '../../../src/app/version.js';
import { freePort } from '../../helpers/bin-process.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** False when the browser tests can run; else the skip reason. Registers a failing test under CI=true. */
export function uiSkip(): string | false {
  const uiDir = uiBuildDir();
  const missing = !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (apt-get install -y chromium)`
    : !uiDir || !existsSync(join(uiDir, 'index.html'))
      ? 'the web UI is not built (npm run build:ui)'
      : null;
  if (missing && process.env.CI === 'true') it(`web UI end to end can run (CI=true): ${missing}`, () => assert.fail(missing));
  return missing && process.env.CI !== 'true' ? `${missing} (set CI=true to fail instead)` : false;
}

export interface Stack {
  dir: string;
  url: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * `tributary serve` with this config file on a free loopback port, and a Chromium page.
 * `prepare` runs on the fresh folder first (files to sync, a data folder to seed).
 */
export async function startStack(prefix: string, configYaml: string, worker: boolean, prepare: (dir: string) => void | Promise<void> = () => {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await prepare(dir);
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
