import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { assertion, READ_ONLY_SCOPE } from './auth.js';
import { DEFAULT_ENDPOINT, DEFAULT_TOKEN_URI, gcsConfigSchema, readGcsSettings, readServiceAccount } from './config.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const key = (o: Record<string, unknown> = {}) => JSON.stringify({ type: 'service_account', project_id: 'p1', private_key_id: 'k1', private_key: pem, client_email: 'a@p1.iam.gserviceaccount.com', ...o });

test("Elastic's keys, in Elastic's order, the key file sensitive", () => {
  const s = gcsConfigSchema();
  assert.deepEqual(Object.entries(s).filter(([, e]) => (e.order ?? 99) <= 3).map(([k]) => k), ['buckets', 'service_account_credentials', 'use_text_extraction_service']);
  assert.equal(s.service_account_credentials.sensitive, true);
  assert.equal(s.buckets.type, 'list');
});

test('defaults: Google endpoints, 3 retries, pages of 1000', () => {
  const s = readGcsSettings({ buckets: 'a-b-c, d_e.f', service_account_credentials: key() });
  assert.deepEqual(s.buckets, ['a-b-c', 'd_e.f']);
  assert.equal(s.endpoint.href, `${DEFAULT_ENDPOINT}/`);
  assert.equal(s.account.tokenUri.href, DEFAULT_TOKEN_URI);
  assert.equal(s.retryCount, 3);
  assert.equal(s.pageSize, 1000);
  assert.deepEqual(readGcsSettings({ buckets: ['x', '*'], service_account_credentials: key() }).buckets, ['*']);
});

test('a private key whose line breaks were flattened to \\n text is accepted', () => {
  const a = readServiceAccount(key({ private_key: pem.replace(/\n/g, '\\n') }));
  assert.equal(a.privateKey.asymmetricKeyType, 'rsa');
});

test('what is wrong is named', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ buckets: '', service_account_credentials: key() }, /\[buckets\] is required/],
    [{ buckets: 'Bad_Bucket', service_account_credentials: key() }, /\[buckets\]: bucket \[Bad_Bucket\]/],
    [{ buckets: 'abc', service_account_credentials: '' }, /\[service_account_credentials\] is required/],
    [{ buckets: 'abc', service_account_credentials: '{' }, /not valid JSON/],
    [{ buckets: 'abc', service_account_credentials: key({ type: 'authorized_user' }) }, /service_account key is needed/],
    [{ buckets: 'abc', service_account_credentials: key({ private_key: 'nope' }) }, /not a PEM private key/],
    [{ buckets: 'abc', service_account_credentials: key({ private_key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) }) }, /RSA key/],
    [{ buckets: 'abc', service_account_credentials: key({ token_uri: 'ftp://x' }) }, /token_uri\] must be an http/],
    [{ buckets: '*', service_account_credentials: key({ project_id: undefined }) }, /no \[project_id\]/],
    [{ buckets: 'abc', service_account_credentials: key(), endpoint: 'http://u:p@h' }, /\[endpoint\] must not hold credentials/],
    [{ buckets: 'abc', service_account_credentials: key(), page_size: 5000 }, /\[page_size\] must be an integer from 1 to 1000/],
    [{ buckets: 'abc', service_account_credentials: 'x'.repeat(70_000) }, /over 65536 characters/],
  ];
  for (const [c, re] of cases) assert.throws(() => readGcsSettings(c), (e: unknown) => e instanceof SourceConfigError && re.test(e.message), String(re));
});

test('the assertion is an RS256 JWT with the claims Google asks for', () => {
  const a = readServiceAccount(key({ token_uri: 'http://127.0.0.1:1/token' }));
  const jwt = assertion(a, 1_700_000_000);
  const [h, c, sig] = jwt.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'RS256', typ: 'JWT', kid: 'k1' });
  assert.deepEqual(JSON.parse(Buffer.from(c, 'base64url').toString()), {
    iss: 'a@p1.iam.gserviceaccount.com', scope: READ_ONLY_SCOPE, aud: 'http://127.0.0.1:1/token', iat: 1_700_000_000, exp: 1_700_003_600,
  });
  assert.ok(verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, 'base64url')));
});
