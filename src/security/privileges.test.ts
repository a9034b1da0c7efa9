/**
 * Privilege coverage for `_has_privileges` (privileges.ts): pattern inside pattern, a held set
 * covering a named privilege only when its exclusions are excluded by the asked one too.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterPrivileges, indexPrivileges, patternCovers, privilegesCover, resolveCluster } from './privileges.js';

const cluster = (n: string) => clusterPrivileges.find((p) => p.name === n)!;
const index = (n: string) => indexPrivileges.find((p) => p.name === n)!;

describe('patternCovers', () => {
  test('literals, prefix patterns, and anything else only when identical', () => {
    assert.equal(patternCovers('search-*', 'search-docs'), true);
    assert.equal(patternCovers('search-*', 'other'), false);
    assert.equal(patternCovers('*', 'search-*'), true);
    assert.equal(patternCovers('search-*', 'search-a*'), true);
    assert.equal(patternCovers('search-a*', 'search-*'), false);
    assert.equal(patternCovers('s?arch-*', 's?arch-*'), true);
    assert.equal(patternCovers('s?arch-*', 'search-*'), false, 'not provable by prefix: not held');
    assert.equal(patternCovers('search-docs', 'search-*'), false);
  });
});

describe('privilegesCover', () => {
  test('cluster: wider privileges cover narrower ones, never the reverse', () => {
    assert.equal(privilegesCover([cluster('all')], cluster('manage_connector')), true);
    assert.equal(privilegesCover([cluster('manage')], cluster('manage_connector')), true);
    assert.equal(privilegesCover([cluster('manage')], cluster('all')), false, "manage excludes security, all does not");
    assert.equal(privilegesCover([cluster('manage')], cluster('manage_security')), false);
    assert.equal(privilegesCover([cluster('manage_connector')], cluster('monitor_connector')), true);
    assert.equal(privilegesCover([cluster('monitor_connector')], cluster('manage_connector')), false);
    assert.equal(privilegesCover([cluster('manage_connector')], cluster('write_connector_secrets')), false, 'secrets are excluded');
    assert.equal(privilegesCover([cluster('manage_connector'), cluster('write_connector_secrets')], cluster('write_connector_secrets')), true);
    assert.equal(privilegesCover([], cluster('none')), true);
  });

  test('action patterns and literal actions', () => {
    const connectorAll = resolveCluster('cluster:admin/xpack/connector/*')!;
    assert.equal(privilegesCover([cluster('manage_connector')], connectorAll), false, 'manage_connector excludes the secret actions');
    assert.equal(privilegesCover([cluster('manage')], connectorAll), true);
    // An action name resolves to the action and its sub-actions (`get*`); monitor_connector
    // holds `get` itself only (has-privileges.ts decides single action names as requests instead).
    assert.equal(privilegesCover([cluster('monitor_connector')], resolveCluster('cluster:admin/xpack/connector/get')!), false);
    assert.equal(privilegesCover([cluster('monitor_connector')], { name: 'get', include: ['cluster:admin/xpack/connector/get'] }), true);
    assert.equal(privilegesCover([cluster('manage_connector')], resolveCluster('cluster:admin/xpack/connector/get')!), true);
  });

  test('index: all covers read and write, read does not cover write', () => {
    assert.equal(privilegesCover([index('all')], index('write')), true);
    assert.equal(privilegesCover([index('read')], index('write')), false);
    assert.equal(privilegesCover([index('write')], index('index')), true);
    assert.equal(privilegesCover([index('index'), index('delete')], index('write')), false, 'write is wider than index + delete');
  });
});
