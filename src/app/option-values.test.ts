import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyNpmFlags } from './npm-flags.js';
import { checkOption, checkPort, checkPositiveInteger } from './option-values.js';

test('ports and positive integers', () => {
  assert.equal(checkPort('9200'), '9200');
  assert.equal(checkPort('0'), '0');
  for (const bad of ['abc', '', '-1', '65536', '92.5', '0x10']) assert.throws(() => checkPort(bad), /is not a port number: expected an integer from 0 to 65535/, bad);
  assert.equal(checkPositiveInteger('1048576', 'bytes'), '1048576');
  for (const bad of ['0', '1k', '1e6', '-5', '99999999999999999999']) assert.throws(() => checkPositiveInteger(bad, 'bytes'), /is not a positive integer \(bytes\)/, bad);
  assert.throws(() => checkOption('x', '--port', 'TRIBUTARY_PORT', checkPort), /^Error: --port \(or TRIBUTARY_PORT\): \[x\] is not a port number/);
  assert.equal(checkOption(undefined, '--max-in-flight-body', null, checkPort), undefined);
});

test('npm start --port N without --: used when nothing else set the port, with the right spelling', () => {
  const o = { port: '9200', host: '127.0.0.1', data: './data' };
  const npm = { npm_lifecycle_event: 'start', npm_config_port: '9300', npm_config_data: '/srv/d' };
  const notes = applyNpmFlags(o, () => false, npm);
  assert.deepEqual(o, { port: '9300', host: '127.0.0.1', data: '/srv/d' });
  assert.equal(notes.length, 2);
  assert.match(notes[0], /npm took --port 9300 as its own option \(npm_config_port\); using it\. Write npm start -- --port 9300/);

  const flagged = { port: '9400', host: '127.0.0.1', data: './data' };
  const n2 = applyNpmFlags(flagged, (name) => name === 'port', { npm_lifecycle_event: 'start', npm_config_port: '9300' });
  assert.equal(flagged.port, '9400');
  assert.match(n2[0], /ignored, since --port is given/);
  const fromEnv = { port: '9500', host: '127.0.0.1', data: './data' };
  assert.match(applyNpmFlags(fromEnv, () => false, { npm_lifecycle_event: 'start', npm_config_port: '9300', TRIBUTARY_PORT: '9500' })[0], /ignored, since TRIBUTARY_PORT is given/);
  assert.equal(fromEnv.port, '9500');

  // Not run by npm, or a flag without a value: nothing happens.
  assert.deepEqual(applyNpmFlags({ ...o }, () => false, { npm_config_port: '9300' }), []);
  assert.deepEqual(applyNpmFlags({ ...o }, () => false, { npm_lifecycle_event: 'start', npm_config_port: 'true' }), []);
});
