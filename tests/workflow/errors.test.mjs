// Every error of the HTTP layer is an RFC 9457 problem document, through nginx and on the service itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { env, targets, get, send, expectProblem, raw, uniqueId } from './lib.mjs';

for (const [name, base] of targets) {
  describe(`errors ${name}`, () => {
    it('404 for an unknown route', async () => {
      const res = await get(base, '/no/such/route');
      const problem = await expectProblem(res, 404);
      assert.equal(problem.instance, '/no/such/route');
    });

    it('405 with Allow for a known route and a wrong method', async () => {
      const res = await send(base, '/healthz', 'DELETE');
      await expectProblem(res, 405);
      const allow = res.headers.get('allow') ?? '';
      assert.match(allow, /\bGET\b/, `Allow was "${allow}"`);
    });

    it('400 for malformed JSON, saying where', async () => {
      const body = '{"title": "Dune", "pages": }';
      const res = await send(base, '/_test/echo', 'POST', body, { 'content-type': 'application/json' });
      const problem = await expectProblem(res, 400);
      const position = body.indexOf('}', 20);
      assert.match(JSON.stringify(problem), new RegExp(`byte ${position}\\b`), JSON.stringify(problem));
    });

    it('well-formed JSON is echoed (the 400 above is about the body, not the route)', async () => {
      const res = await send(base, '/_test/echo', 'POST', '{"a":[1,2,{"b":"ü"}]}', {
        'content-type': 'application/json; charset=utf-8',
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { a: [1, 2, { b: 'ü' }] });
    });

    it('415 for a body that is not JSON', async () => {
      const res = await send(base, '/_test/echo', 'POST', 'a=1&b=2', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      await expectProblem(res, 415);
    });

    it('413 for a body above the limit', async () => {
      // Just above the limit: nginx (same limit) or the service refuses it, both with problem+json.
      const body = '"' + 'x'.repeat(env.maxBodyBytes) + '"';
      const res = await send(base, '/_test/echo', 'POST', body, { 'content-type': 'application/json' });
      await expectProblem(res, 413);
    });

    it('500 reveals only the request id', async () => {
      const id = uniqueId('fail');
      const res = await get(base, '/_test/fail', { headers: { 'x-request-id': id } });
      const text = await res.text();
      assert.equal(res.status, 500);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.ok(!text.includes('secret detail'), `the 500 leaked internals: ${text}`);
      const problem = JSON.parse(text);
      assert.equal(problem.status, 500);
      assert.equal(problem.request_id, id);
      assert.equal(res.headers.get('x-request-id'), id);
    });

    it('problem bodies carry the client request id', async () => {
      const id = uniqueId('nf');
      const res = await get(base, '/nope', { headers: { 'x-request-id': id } });
      const problem = await expectProblem(res, 404);
      assert.equal(problem.request_id, id);
    });
  });
}

describe("nginx's own errors are problem+json too", () => {
  it('413 from nginx for a body far above client_max_body_size', async () => {
    const res = await raw(env.nginx + '/_test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(2 * env.maxBodyBytes + 10) },
      body: Buffer.alloc(2 * env.maxBodyBytes + 10, 0x20),
    });
    assert.equal(res.status, 413);
    assert.match(res.headers['content-type'], /^application\/problem\+json/);
    const problem = JSON.parse(res.body);
    assert.equal(problem.status, 413);
    assert.equal(problem.request_id, res.headers['x-request-id']);
  });

  it('an internal-only location is not reachable from outside (404 problem)', async () => {
    const res = await get(env.nginx, '/_protected/downloads/anything.epub');
    await expectProblem(res, 404);
  });

  it('429 problem+json from the auth rate limit', async () => {
    // Its own source address, so no other test shares this client's budget (10 r/s, burst 20).
    const responses = await Promise.all(
      Array.from({ length: 60 }, () =>
        raw(env.nginx + '/api/v1/auth/ping', { localAddress: '127.0.0.3', agent: false }),
      ),
    );
    const limited = responses.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, `no 429 among ${responses.map((r) => r.status).join(',')}`);
    const r = limited[0];
    assert.match(r.headers['content-type'], /^application\/problem\+json/);
    const problem = JSON.parse(r.body);
    assert.equal(problem.status, 429);
    assert.equal(problem.request_id, r.headers['x-request-id']);
    assert.ok(r.headers['retry-after'], 'no Retry-After on 429');
  });
});
