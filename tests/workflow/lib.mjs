// Shared helpers of the workflow tests: black-box tests of the real binary behind nginx.
// The Makefile (scripts/run-tests) starts the test stack and exports where everything is
// (see `scripts/devstack env test`); the defaults match the test profile.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import net from 'node:net';

export const env = {
  nginx: process.env.BOOKSTORE_NGINX_URL ?? 'http://127.0.0.1:18080',
  nginxHttps: process.env.BOOKSTORE_NGINX_HTTPS_URL ?? 'https://127.0.0.1:18443',
  tlsCa: process.env.BOOKSTORE_TEST_TLS_CA ?? '',
  service: process.env.BOOKSTORE_SERVICE_URL ?? 'http://127.0.0.1:18081',
  binary: process.env.BOOKSTORE_TEST_BINARY ?? 'build/bookstore',
  databaseUrl: process.env.BOOKSTORE_TEST_DATABASE_URL ?? 'postgresql://bookstore@127.0.0.1:55433/bookstore',
  // The test stack's keys (scripts/devstack makes them), for extra instances started by a test.
  signingKeyFile: process.env.BOOKSTORE_TEST_SIGNING_KEY_FILE ?? 'var/test/keys/signing.k4.secret',
  localKeyFile: process.env.BOOKSTORE_TEST_LOCAL_KEY_FILE ?? 'var/test/keys/local.k4.local',
  bookFilesDir: process.env.BOOKSTORE_TEST_BOOK_FILES_DIR ?? 'var/test/book-files',
  maxBodyBytes: Number(process.env.BOOKSTORE_TEST_MAX_BODY_BYTES ?? 1048576),
  devstack: process.env.BOOKSTORE_DEVSTACK ?? 'scripts/devstack',
  profile: process.env.BOOKSTORE_DEVSTACK_PROFILE ?? 'test',
};

// Both ways in: every client-visible behaviour must hold through nginx and on the service itself.
export const targets = [
  ['via nginx', env.nginx],
  ['direct', env.service],
];

const REQUEST_TIMEOUT_MS = 10_000;

export async function get(base, path, init = {}) {
  return fetch(base + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

export async function send(base, path, method, body, headers = {}) {
  return fetch(base + path, { method, body, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

// A request with node's http module, for what fetch cannot do: pick the local address, reuse a given
// agent, or trust a private CA. Resolves to {status, headers, body, socket}.
export function raw(url, { method = 'GET', headers = {}, body, agent, localAddress, ca } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method, headers, agent, localAddress, ca, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reusedSocket: req.reusedSocket,
            localPort: res.socket?.localPort,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// An RFC 9457 problem document with the fields every error of this service carries.
export async function expectProblem(res, status) {
  assert.equal(res.status, status, `expected HTTP ${status}, got ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  assert.match(type, /^application\/problem\+json/, `content-type was ${type}`);
  const problem = await res.json();
  checkProblem(problem, status, res.headers.get('x-request-id'));
  return problem;
}

export function checkProblem(problem, status, requestIdHeader) {
  assert.equal(problem.status, status);
  assert.equal(typeof problem.title, 'string');
  assert.ok(problem.title.length > 0, 'title is empty');
  assert.equal(typeof problem.type, 'string');
  assert.equal(typeof problem.request_id, 'string');
  assert.ok(problem.request_id.length > 0, 'request_id is empty');
  if (requestIdHeader) assert.equal(problem.request_id, requestIdHeader, 'request_id differs from X-Request-Id');
}

export function uniqueId(prefix = 'wf') {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

// Polls until fn() resolves truthy or the time is up; returns the last value.
export async function eventually(fn, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// A TCP port nobody listens on right now (the OS picks it).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function readCa() {
  return env.tlsCa && fs.existsSync(env.tlsCa) ? fs.readFileSync(env.tlsCa) : undefined;
}
