/** Source icons: two-letter initials from the name, one colour per service type. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourOf, initials } from './SourceIcon';

test('initials and colours', () => {
  assert.equal(initials('Google Cloud Storage'), 'GC');
  assert.equal(initials('Directory'), 'Di');
  assert.equal(initials('Amazon S3'), 'AS');
  assert.equal(initials('network drive'), 'ND');
  assert.equal(initials('!!'), '?');
  assert.equal(colourOf('s3'), colourOf('s3'));
  const colours = new Set(['directory', 's3', 'mysql', 'postgresql', 'redis', 'azure_blob_storage', 'google_cloud_storage', 'network_drive'].map(colourOf));
  assert.ok(colours.size >= 4, `${colours.size} colours for 8 sources`);
});
