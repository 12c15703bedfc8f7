// Helpers of the identity workflow tests (PRODUCT.md 1, 2 and 9): JSON calls from chosen source
// addresses, accounts (register + verify + login), the first admin from the command line, the test-only
// anonymisation route, and PASETO v4.public decoding and signing for the token tests.
//
// Source addresses. nginx limits /api/v1/auth/ per client address (10 r/s, burst 20) and the service
// limits POST /api/v1/auth/* per address (5 r/s, burst 20); through nginx the service sees X-Real-IP,
// directly it sees the peer. So every test takes its own 127.0.0.N (loopback accepts any 127/8 source)
// from the range of its file, and never shares it with another target or file:
//   identity-account   20..69     identity-tokens  70..99     identity-authz  100..129
//   identity-abuse    130..179    identity-admin  180..229    (230..250 spare)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { env, raw, eventually, checkProblem } from './lib.mjs';
import { waitForMail, extractCode, extractToken } from './mail.mjs';

export { waitForMail, extractCode, extractToken };

// --- addresses, emails, passwords ---------------------------------------------------------------------

// Hands out 127.0.0.first .. 127.0.0.last in turn (wrapping around when exhausted).
export function addressPool(first, last) {
  assert.ok(first >= 20 && last <= 250 && first <= last, `bad address range ${first}..${last}`);
  let n = first;
  return {
    next() {
      const address = `127.0.0.${n}`;
      n = n >= last ? first : n + 1;
      return address;
    },
  };
}

export function randomHex(bytes = 5) {
  return crypto.randomBytes(bytes).toString('hex');
}

// A fresh address nobody else uses: u-<ms>-<random>@example.test (tag replaces "u" where a test needs
// to find its own users again with a search).
export function uniqueEmail(tag = 'u') {
  return `${tag}-${Date.now()}-${randomHex()}@example.test`;
}

// Long enough, not in any common-password list, never equal to an email.
export function newPassword() {
  return `Pw-${crypto.randomBytes(12).toString('base64url')}-7q`;
}

// --- HTTP ---------------------------------------------------------------------------------------------

export const USER_AGENT = 'bookstore-identity-workflow-tests/1';

// One JSON request with node's http module from the source address `ip` (no connection reuse).
// Resolves to {status, headers (lower-case names), text, json (parsed JSON or problem+json, else null),
// method, path, ip}.
export async function api(base, method, path, options = {}) {
  const { body, token, ip, headers = {}, ...unknown } = options;
  assert.deepEqual(Object.keys(unknown), [], `api(): unknown options ${Object.keys(unknown)}`);
  const h = { accept: 'application/json', 'user-agent': USER_AGENT, ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  } else if (method !== 'GET' && method !== 'HEAD') {
    payload = '';
  }
  if (payload !== undefined) h['content-length'] = String(Buffer.byteLength(payload));
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  const r = await raw(base + path, {
    method,
    headers: h,
    body: payload === '' ? undefined : payload,
    localAddress: ip,
    agent: false,
  });
  let json = null;
  if (/json/.test(r.headers['content-type'] ?? '') && r.body.length > 0) {
    try {
      json = JSON.parse(r.body);
    } catch {
      json = null;
    }
  }
  return { status: r.status, headers: r.headers, text: r.body, json, method, path, ip };
}

function describeRes(res) {
  return `${res.method} ${res.path} from ${res.ip ?? 'default address'} -> ${res.status} ${res.text.slice(0, 600)}`;
}

// Paths whose every answer must be Cache-Control: no-store (success and error alike).
const NO_STORE_PATHS = /^\/api\/v1\/(auth|me|admin)(\/|\?|$)/;

export function expectNoStore(res) {
  const cc = res.headers['cache-control'] ?? '';
  assert.match(cc, /\bno-store\b/, `Cache-Control was "${cc}" on ${describeRes(res)}`);
}

// Asserts the status (with the body in the message), no-store where it applies; returns the JSON body.
export function expectStatus(res, status, what = '') {
  assert.equal(res.status, status, `${what ? what + ': ' : ''}expected ${status}, got ${describeRes(res)}`);
  if (NO_STORE_PATHS.test(res.path)) expectNoStore(res);
  return res.json;
}

export function expect2xx(res, what = '') {
  assert.ok(res.status >= 200 && res.status < 300, `${what ? what + ': ' : ''}expected 2xx, got ${describeRes(res)}`);
  if (NO_STORE_PATHS.test(res.path)) expectNoStore(res);
  return res.json;
}

// An RFC 9457 problem with the given status; returns the problem.
export function expectProblem(res, status, what = '') {
  expectStatus(res, status, what);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, `content-type on ${describeRes(res)}`);
  assert.ok(res.json, `no problem body: ${describeRes(res)}`);
  checkProblem(res.json, status, res.headers['x-request-id']);
  return res.json;
}

// 401 of a bearer-protected route: a problem and a WWW-Authenticate: Bearer challenge.
export function expectUnauthenticated(res, what = '') {
  const problem = expectProblem(res, 401, what);
  assert.match(res.headers['www-authenticate'] ?? '', /^Bearer\b/i, `no WWW-Authenticate: Bearer on ${describeRes(res)}`);
  return problem;
}

// A 422 whose errors[] name `field`.
export function expectFieldError(res, status, field, what = '') {
  const problem = expectProblem(res, status, what);
  const fields = fieldsOf(problem);
  assert.ok(fields.includes(field), `${what ? what + ': ' : ''}errors[] do not name "${field}": ${res.text}`);
  return problem;
}

export function fieldsOf(problem) {
  return Array.isArray(problem?.errors) ? problem.errors.map((e) => e.field) : [];
}

// What a client can compare between two answers that must not tell two cases apart: status, type,
// header names and the body without its per-request id.
export function observable(res) {
  const volatile = new Set(['date', 'x-request-id', 'content-length', 'connection', 'keep-alive']);
  let body = res.text;
  if (res.json && typeof res.json === 'object') {
    const { request_id: _ignored, ...rest } = res.json;
    body = JSON.stringify(rest);
  }
  return {
    status: res.status,
    contentType: res.headers['content-type'],
    headerNames: Object.keys(res.headers)
      .filter((n) => !volatile.has(n))
      .sort(),
    retryAfter: res.headers['retry-after'] ?? null,
    wwwAuthenticate: res.headers['www-authenticate'] ?? null,
    body,
  };
}

// RFC 3339 timestamp in UTC, as the API writes it (parsable, with Z or +00:00).
export function assertTimestamp(value, what) {
  assert.equal(typeof value, 'string', `${what} is not a string: ${value}`);
  assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$/, `${what} is not RFC 3339 UTC: ${value}`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${what} does not parse: ${value}`);
}

// The access token stops working "at once": polled for at most 2 s (revocations reach every instance's
// revocation set through LISTEN/NOTIFY), then the answer must be a proper 401.
export async function expectTokenRefused(base, token, ip, what = 'access token') {
  const started = Date.now();
  const res = await eventually(
    async () => {
      const r = await api(base, 'GET', '/api/v1/me', { token, ip });
      return r.status === 401 ? r : false;
    },
    { timeoutMs: 2000, intervalMs: 50 },
  );
  if (!res || res.status !== 401) {
    const last = await api(base, 'GET', '/api/v1/me', { token, ip });
    assert.fail(`${what} still accepted ${Date.now() - started} ms later: ${describeRes(last)}`);
  }
  expectUnauthenticated(res, what);
}

export async function expectTokenAccepted(base, token, ip, what = 'access token') {
  return expectStatus(await api(base, 'GET', '/api/v1/me', { token, ip }), 200, what);
}

// --- mail ---------------------------------------------------------------------------------------------

// Template ids of the service's mails (src/adapters/mail/templates.hpp), sent as X-Bookstore-Template.
export const MAIL = {
  verify: 'verify_email',
  accountExists: 'account_exists',
  reset: 'password_reset',
  passwordChanged: 'password_changed',
  emailChangeVerify: 'email_change_verify',
  emailChangedNotice: 'email_changed_notice',
  deactivated: 'account_deactivated',
  deletionScheduled: 'deletion_scheduled',
};

// The lower bound for waitForMail: a little before now, as mail dates have whole seconds. Tests use
// fresh addresses and a template, so an older mail can never be mistaken for the awaited one.
export function mailSince() {
  return new Date(Date.now() - 1500);
}

// The first mail of `template` to `to` written since `since` (waitForMail throws after the timeout).
export async function mailTo(to, since, template, timeoutMs = 15_000) {
  const mail = await waitForMail({ to, since, template, timeoutMs });
  assert.ok(mail, `no mail "${template}" to ${to} within ${timeoutMs} ms`);
  return mail;
}

// --- accounts -----------------------------------------------------------------------------------------

export async function register(base, { email, password, name }, ip) {
  return api(base, 'POST', '/api/v1/auth/register', { body: { email, password, name }, ip });
}

// Registers and verifies with the mailed code; returns {email, password, name}.
export async function registerVerified(base, { ip, email = uniqueEmail(), password = newPassword(), name = 'Test Reader' } = {}) {
  const since = mailSince();
  const reg = await register(base, { email, password, name }, ip);
  assert.deepEqual(expectStatus(reg, 202, 'register'), { status: 'accepted' });
  const mail = await mailTo(email, since, MAIL.verify);
  const code = extractCode(mail.text);
  assert.match(code ?? '', /^\d{6}$/, `no 6-digit code in the verification mail: ${mail.text}`);
  const ver = await api(base, 'POST', '/api/v1/auth/verify-email', { body: { email, code }, ip });
  assert.deepEqual(expectStatus(ver, 200, 'verify-email'), { status: 'verified' });
  return { email, password, name };
}

export async function loginRes(base, email, password, ip, headers) {
  return api(base, 'POST', '/api/v1/auth/login', { body: { email, password }, ip, headers });
}

// A successful login: checks the shape and returns the body.
export async function login(base, email, password, ip, headers) {
  const body = expectStatus(await loginRes(base, email, password, ip, headers), 200, `login ${email}`);
  checkTokenPair(body);
  return body;
}

export function checkTokenPair(body) {
  assert.match(body.access_token ?? '', /^v4\.public\./, 'access_token is not v4.public');
  assert.equal(typeof body.refresh_token, 'string');
  assert.ok(body.refresh_token.length >= 32, 'refresh_token too short for 256 random bits');
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 900);
  assert.equal(typeof body.session_id, 'string');
  assert.ok(body.session_id.length > 0);
  assert.ok(['active', 'deactivated'].includes(body.account_state), `account_state ${body.account_state}`);
}

export async function refresh(base, refreshToken, ip) {
  return api(base, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshToken }, ip });
}

// Register + verify + login + GET /me: {email, password, name, id, token, refresh, session, me}.
export async function newUser(base, { ip, ...opts } = {}) {
  const account = await registerVerified(base, { ip, ...opts });
  const session = await login(base, account.email, account.password, ip);
  const me = await expectTokenAccepted(base, session.access_token, ip, 'GET /me of a new user');
  return { ...account, id: me.id, token: session.access_token, refresh: session.refresh_token, session, me };
}

// --- the first admin, from the command line -----------------------------------------------------------

// `bookstore admin create --email E --name N`, the password on standard input.
export function runAdminCreate({ email, name, password }) {
  const childEnv = { ...process.env, BOOKSTORE_DATABASE_URL: env.databaseUrl, BOOKSTORE_LOG_DIR: '' };
  return new Promise((resolve, reject) => {
    const child = spawn(env.binary, ['admin', 'create', '--email', email, '--name', name], {
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(password + '\n');
  });
}

// A fresh admin, logged in through `base`: {email, password, name, id, token, refresh, session, me}.
export async function createAdmin(base, { ip } = {}) {
  const email = uniqueEmail('admin');
  const password = newPassword();
  const name = 'Workflow Admin';
  const r = await runAdminCreate({ email, name, password });
  assert.equal(r.code, 0, `bookstore admin create exited ${r.code} (${r.signal}): ${r.stdout}\n${r.stderr}`);
  const session = await login(base, email, password, ip);
  const me = await expectTokenAccepted(base, session.access_token, ip, 'GET /me of the new admin');
  assert.equal(me.role, 'admin', `the CLI-created account has role ${me.role}`);
  assert.equal(me.email_verified, true, 'the CLI-created admin is not verified');
  return { email, password, name, id: me.id, token: session.access_token, refresh: session.refresh_token, session, me };
}

// One admin per test file, made on first use (so that tests without an admin do not depend on the
// command line): `const admin = lazyAdmin(ip); ... (await admin()).token`.
export function lazyAdmin(ip) {
  let made;
  return () => (made ??= createAdmin(env.service, { ip }));
}

// The admin gives `userId` a role; the user's sessions end, so callers log in again.
export async function setRole(base, admin, userId, role, ip) {
  const res = await api(base, 'PATCH', `/api/v1/admin/users/${userId}`, { body: { role }, token: admin.token, ip });
  const user = expectStatus(res, 200, `PATCH role ${role}`);
  assert.equal(user.role, role);
  return user;
}

// A verified user with `role`, logged in again after the role change.
export async function userWithRole(base, admin, role, ip) {
  const user = await newUser(base, { ip });
  await setRole(base, admin, user.id, role, ip);
  const session = await login(base, user.email, user.password, ip);
  return { ...user, token: session.access_token, refresh: session.refresh_token, session };
}

// Test stack only: makes the pending deletion of `email` due now and runs the anonymisation at once.
export async function anonymiseNow(base, email, ip) {
  const res = await api(base, 'POST', '/_test/identity/anonymise-now', { body: { email }, ip });
  const body = expectStatus(res, 200, 'anonymise-now');
  assert.equal(typeof body?.anonymised, 'number', `anonymise-now answered ${res.text}`);
  return body.anonymised;
}

// Ids may be numbers or strings in JSON; compare them as text.
export function sameId(a, b) {
  return a !== undefined && a !== null && String(a) === String(b);
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// --- PASETO v4.public ---------------------------------------------------------------------------------

const V4_PUBLIC = 'v4.public.';
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function le64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n) & 0x7fffffffffffffffn);
  return b;
}

// Pre-authentication encoding (PASETO spec, "PAE").
export function pae(pieces) {
  const parts = [le64(pieces.length)];
  for (const p of pieces) {
    const buf = Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
    parts.push(le64(buf.length), buf);
  }
  return Buffer.concat(parts);
}

export function privateKeyFromSeed(seed) {
  assert.equal(seed.length, 32, 'an Ed25519 seed has 32 bytes');
  return crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyFromRaw(raw32) {
  assert.equal(raw32.length, 32, 'an Ed25519 public key has 32 bytes');
  return crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw32]), format: 'der', type: 'spki' });
}

export function rawPublicKey(keyObject) {
  const spki = crypto.createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

// k4.secret.<base64url(seed || public key)> -> {privateKey, publicRaw}; checks that the halves match.
export function keyFromK4Secret(paserk) {
  const text = paserk.trim();
  assert.ok(text.startsWith('k4.secret.'), 'not a k4.secret PASERK');
  const bytes = Buffer.from(text.slice('k4.secret.'.length), 'base64url');
  assert.equal(bytes.length, 64, 'a k4.secret holds 64 bytes');
  const privateKey = privateKeyFromSeed(bytes.subarray(0, 32));
  const publicRaw = rawPublicKey(privateKey);
  assert.ok(publicRaw.equals(bytes.subarray(32)), 'the k4.secret public half does not belong to its seed');
  return { privateKey, publicRaw };
}

export function rawFromK4Public(paserk) {
  assert.ok(paserk.startsWith('k4.public.'), `not a k4.public PASERK: ${paserk}`);
  const raw32 = Buffer.from(paserk.slice('k4.public.'.length), 'base64url');
  assert.equal(raw32.length, 32);
  return raw32;
}

export function k4PublicOf(publicRaw) {
  return 'k4.public.' + Buffer.from(publicRaw).toString('base64url');
}

// The access-token signing key of the test stack, from BOOKSTORE_TEST_SIGNING_KEY_FILE (a k4.secret
// PASERK); null when the stack does not say where it is.
export function loadTestSigningKey() {
  const file = process.env.BOOKSTORE_TEST_SIGNING_KEY_FILE;
  if (!file) return null;
  return keyFromK4Secret(fs.readFileSync(file, 'utf8'));
}

export function signV4Public(privateKey, payload, footer = '', implicit = '') {
  const payloadBuf = Buffer.from(payload, 'utf8');
  const signature = crypto.sign(null, pae([V4_PUBLIC, payloadBuf, footer, implicit]), privateKey);
  let token = V4_PUBLIC + Buffer.concat([payloadBuf, signature]).toString('base64url');
  if (footer !== '') token += '.' + Buffer.from(footer, 'utf8').toString('base64url');
  return token;
}

// The payload text when `token` is a v4.public token signed by the key, else null.
export function verifyV4Public(publicKey, token, implicit = '') {
  if (!token.startsWith(V4_PUBLIC)) return null;
  const [body, footerB64, ...rest] = token.slice(V4_PUBLIC.length).split('.');
  if (rest.length) return null;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < 64) return null;
  const payload = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  const footer = footerB64 === undefined ? '' : Buffer.from(footerB64, 'base64url').toString('utf8');
  const ok = crypto.verify(null, pae([V4_PUBLIC, payload, footer, implicit]), publicKey, signature);
  return ok ? payload.toString('utf8') : null;
}

// The parts of a v4.public token, without checking the signature.
export function decodeToken(token) {
  assert.ok(token.startsWith(V4_PUBLIC), `not a v4.public token: ${token.slice(0, 20)}`);
  const segments = token.split('.');
  assert.ok(segments.length === 3 || segments.length === 4, `a v4.public token has 3 or 4 segments: ${segments.length}`);
  const body = Buffer.from(segments[2], 'base64url');
  const payloadText = body.subarray(0, body.length - 64).toString('utf8');
  const footerText = segments[3] === undefined ? '' : Buffer.from(segments[3], 'base64url').toString('utf8');
  return {
    segments,
    payloadText,
    payload: JSON.parse(payloadText),
    signature: body.subarray(body.length - 64),
    footerText,
    footer: footerText ? JSON.parse(footerText) : null,
  };
}

// A time as the service writes token claims: RFC 3339 UTC, whole seconds.
export function claimTime(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Claims like those of `template` (a real token's payload), valid now, with a fresh jti.
export function freshClaims(template, nowMs = Date.now()) {
  return {
    ...template,
    jti: crypto.randomUUID(),
    iat: claimTime(nowMs),
    nbf: claimTime(nowMs),
    exp: claimTime(nowMs + 600_000),
  };
}

export function expectedIssuer() {
  return process.env.BOOKSTORE_TEST_TOKEN_ISSUER ?? 'http://localhost:18080';
}

// Flips one base64url character at `index` of `text` to another valid one.
export function flipChar(text, index) {
  const c = text[index];
  const replacement = c === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}
