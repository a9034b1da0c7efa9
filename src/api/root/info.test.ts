/** `GET /` answers the configured Elasticsearch version (config `compatibility.version`). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openApp } from '../../app/open-app.js';
import { DEFAULT_VERSION } from '../../config/compatibility.js';
import { buildServer } from '../server.js';

for (const version of [undefined, '9.3.2']) {
  test(`GET / answers version.number ${version ?? `${DEFAULT_VERSION} (the default)`}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-info-'));
    const server = buildServer(await openApp({ dataDir: dir, ...(version ? { version } : {}) }));
    try {
      const body = (await server.inject({ method: 'GET', url: '/' })).json();
      assert.equal(body.version.number, version ?? DEFAULT_VERSION);
      assert.equal(body.tagline, 'You Know, for Search');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
