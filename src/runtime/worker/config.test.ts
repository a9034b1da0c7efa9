import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSourcesSection, sourcePolicy } from './config.js';

test('sources section: roots and allowed hosts', () => {
  const s = parseSourcesSection({ directory: { roots: ['/srv/docs', '/home/shared'] }, allowed_hosts: 'db.internal, 10.0.0.0/8' });
  assert.deepEqual(s, { directoryRoots: ['/srv/docs', '/home/shared'], allowedHosts: ['db.internal', '10.0.0.0/8'] });
  assert.deepEqual(sourcePolicy(s, true), { directoryRoots: ['/srv/docs', '/home/shared'], allowedHosts: ['db.internal', '10.0.0.0/8'] });
});

test('sources section: unknown keys are refused with their name', () => {
  assert.throws(() => parseSourcesSection({ directry: {} }, 'f.yml'), /f\.yml: sources\.directry: unknown key/);
  assert.throws(() => parseSourcesSection({ directory: { root: ['/x'] } }, 'f.yml'), /sources\.directory\.root: unknown key/);
  assert.throws(() => parseSourcesSection({ allowed_hosts: [1] }, 'f.yml'), /sources\.allowed_hosts: expected a list of strings/);
});

test('without roots: directory connectors read anywhere only while security is off', () => {
  assert.deepEqual(sourcePolicy({}, false), { directoryRoots: null, allowedHosts: null });
  assert.deepEqual(sourcePolicy({}, true), { directoryRoots: [], allowedHosts: null });
});

test('sources.directory: max_file_size bound and extraction budget, checked', () => {
  const s = parseSourcesSection({ directory: { roots: ['/srv'], max_file_size: 134217728, extract_timeout: '5s' } });
  assert.deepEqual(sourcePolicy(s, true), { directoryRoots: ['/srv'], allowedHosts: null, directoryMaxFileSize: 134217728, extractTimeoutMs: 5000 });
  assert.throws(() => parseSourcesSection({ directory: { max_file_size: 2e9 } }, 'f.yml'), /sources\.directory\.max_file_size: expected a number of bytes from 1 to 1073741824/);
  assert.throws(() => parseSourcesSection({ directory: { max_file_size: 0 } }, 'f.yml'), /max_file_size/);
  assert.throws(() => parseSourcesSection({ directory: { extract_timeout: '0s' } }, 'f.yml'), /extract_timeout: expected a positive time value/);
  assert.throws(() => parseSourcesSection({ directory: { roots: ['docs'] } }, 'f.yml'), /sources\.directory\.roots: \[docs\] is not an absolute path/);
});

test('sources.allowed_hosts: a malformed entry stops the configuration load, naming it', () => {
  assert.throws(() => parseSourcesSection({ allowed_hosts: ['10.0.0.0/33'] }, 'f.yml'), /f\.yml: sources\.allowed_hosts: \[10\.0\.0\.0\/33\] is not a valid CIDR block/);
  assert.throws(() => parseSourcesSection({ allowed_hosts: ['db internal'] }, 'f.yml'), /\[db internal\] is not a host name, address or CIDR block/);
});

test('worker.exclude_service_types: types another connector service runs are not served', async () => {
  const { resolveOptions } = await import('./options.js');
  const { parseWorkerSection } = await import('./config.js');
  const w = parseWorkerSection({ exclude_service_types: ['mysql', 'postgresql'] }, 'f.yml');
  assert.deepEqual(w.excludeServiceTypes, ['mysql', 'postgresql']);
  const base = { api: {} as never, sink: {} as never };
  const { sources } = await import('../../sources/registry.js');
  const others = Object.keys(sources).filter((t) => t !== 'mysql' && t !== 'postgresql');
  assert.ok(others.includes('directory') && others.length < Object.keys(sources).length);
  assert.deepEqual([...resolveOptions({ ...base, ...w }).serviceTypes].sort(), others.sort());
  assert.deepEqual(resolveOptions({ ...base, serviceTypes: ['directory', 'mysql'], excludeServiceTypes: ['mysql'] }).serviceTypes, ['directory']);
  assert.throws(() => resolveOptions({ ...base, serviceTypes: ['mysql'], excludeServiceTypes: ['mysql'] }), /would serve no service type: \[mysql\] are all in exclude_service_types/);
  assert.throws(() => resolveOptions({ ...base, excludeServiceTypes: ['mysq'] }), /Unknown service type\(s\) \[mysq\]/);
  assert.throws(() => parseWorkerSection({ exclude_service_types: [3] }, 'f.yml'), /worker\.exclude_service_types: expected a list of strings/);
});
