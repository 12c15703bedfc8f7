// What nginx adds in front of the service: request ids, keep-alive, security headers, TLS, gzip and the
// localhost-only /metrics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { env, targets, get, raw, readCa, uniqueId } from './lib.mjs';

for (const [name, base] of targets) {
  describe(`request ids ${name}`, () => {
    it('a client X-Request-Id comes back unchanged', async () => {
      const id = uniqueId('rid');
      const res = await get(base, '/healthz', { headers: { 'x-request-id': id } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-request-id'), id);
    });

    it('one is generated when the client sends none', async () => {
      const a = await get(base, '/healthz');
      const b = await get(base, '/healthz');
      const idA = a.headers.get('x-request-id');
      const idB = b.headers.get('x-request-id');
      assert.ok(idA && idA.length >= 8, `no generated request id: ${idA}`);
      assert.notEqual(idA, idB);
    });

    it('an unusable X-Request-Id is replaced, never echoed', async () => {
      const bad = 'x'.repeat(300);
      const res = await get(base, '/healthz', { headers: { 'x-request-id': bad } });
      const id = res.headers.get('x-request-id');
      assert.ok(id && id !== bad, 'an overlong request id was echoed');
    });
  });

  describe(`keep-alive ${name}`, () => {
    it('several requests share one connection', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const ports = [];
        for (let i = 0; i < 5; i++) {
          const r = await raw(base + '/healthz', { agent });
          assert.equal(r.status, 200);
          assert.notEqual((r.headers.connection ?? '').toLowerCase(), 'close');
          ports.push(r.localPort);
          if (i > 0) assert.equal(r.reusedSocket, true, `request ${i + 1} opened a new connection`);
        }
        assert.equal(new Set(ports).size, 1, `connections used: ${ports}`);
      } finally {
        agent.destroy();
      }
    });
  });
}

describe('through nginx', () => {
  it('the service sees the request id nginx generated (same id in its problem body)', async () => {
    const res = await get(env.nginx, '/no-such-page');
    const problem = await res.json();
    assert.equal(res.status, 404);
    assert.equal(problem.request_id, res.headers.get('x-request-id'));
  });

  it('exactly one X-Request-Id header on the response', async () => {
    const r = await raw(env.nginx + '/healthz', { headers: { 'x-request-id': uniqueId('one') } });
    assert.equal(typeof r.headers['x-request-id'], 'string');
    assert.ok(!r.headers['x-request-id'].includes(','), `duplicated: ${r.headers['x-request-id']}`);
  });

  it('security headers are set', async () => {
    const res = await get(env.nginx, '/healthz');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.ok(res.headers.get('referrer-policy'), 'no Referrer-Policy');
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(res.headers.get('strict-transport-security'), null, 'HSTS on plain HTTP');
    assert.equal(res.headers.get('server'), 'nginx', 'nginx version disclosed');
  });

  it('security headers are on errors too', async () => {
    const res = await get(env.nginx, '/no/such/route');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  it('HTTPS works and sends HSTS', async () => {
    const r = await raw(env.nginxHttps + '/healthz', { ca: readCa(), headers: { 'x-request-id': 'tls-1' } });
    assert.equal(r.status, 200);
    assert.match(r.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.equal(r.headers['x-request-id'], 'tls-1');
  });

  it('JSON is gzip-compressed when the client accepts it', async () => {
    const r = await raw(env.nginx + '/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(r.status, 200);
    if (Number(r.headers['content-length'] ?? Infinity) >= 1024 || r.headers['transfer-encoding']) {
      assert.equal(r.headers['content-encoding'], 'gzip');
    }
  });

  it('/metrics is served to 127.0.0.1', async () => {
    const r = await raw(env.nginx + '/metrics', { localAddress: '127.0.0.1' });
    assert.equal(r.status, 200);
    assert.match(r.body, /bookstore_http_requests_total/);
  });

  it('/metrics is refused to any other address (403 problem)', async () => {
    // nginx listens on 127.0.0.1; connecting from 127.0.0.2 makes the remote address 127.0.0.2.
    const r = await raw(env.nginx + '/metrics', { localAddress: '127.0.0.2' });
    assert.equal(r.status, 403);
    assert.match(r.headers['content-type'], /^application\/problem\+json/);
    assert.ok(!r.body.includes('bookstore_http_requests_total'));
    assert.equal(JSON.parse(r.body).status, 403);
  });

  it('X-Forwarded-For from a client does not hide the real address from the /metrics rule', async () => {
    const r = await raw(env.nginx + '/metrics', {
      localAddress: '127.0.0.2',
      headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
    });
    assert.equal(r.status, 403);
  });
});
