// Operations endpoints and the API description, through nginx and directly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { env, targets, get } from './lib.mjs';

for (const [name, base] of targets) {
  describe(`operations ${name}`, () => {
    it('/healthz is 200', async () => {
      const res = await get(base, '/healthz');
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    });

    it('/readyz is 200 with the database up', async () => {
      const res = await get(base, '/readyz');
      assert.equal(res.status, 200, await res.text());
    });

    it('/openapi.json is an OpenAPI 3.1 document', async () => {
      const res = await get(base, '/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /json/);
      const doc = await res.json();
      assert.match(doc.openapi, /^3\.1\.\d+$/);
      assert.equal(typeof doc.info?.title, 'string');
      assert.equal(typeof doc.paths, 'object');
    });

    it('/docs is an HTML page', async () => {
      const res = await get(base, '/docs');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /<html/i);
    });

  });
}

describe('metrics', () => {
  it('counts requests by route and status in Prometheus text format', async () => {
    await get(env.service, '/healthz');
    const res = await get(env.service, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^# TYPE bookstore_http_requests_total counter$/m);
    assert.match(text, /^bookstore_http_requests_total\{[^}]*\} \d+/m);
  });

  it('has every series the issue asks for: latency by route, pool usage, queue depth and job outcomes', async () => {
    await get(env.service, '/healthz');
    const text = await (await get(env.service, '/metrics')).text();
    assert.match(text, /^bookstore_http_request_duration_seconds_bucket\{route="\/healthz",method="GET",le="\+Inf"\} [1-9]\d*$/m);
    assert.match(text, /^bookstore_db_pool_connections\{state="open"\} \d+/m);
    assert.match(text, /^bookstore_db_pool_connections\{state="in_use"\} \d+/m);
    assert.match(text, /^bookstore_db_pool_waiting \d+/m);
    assert.match(text, /^bookstore_jobs_queue_depth\{state="available"\} \d+/m);
    assert.match(text, /^# TYPE bookstore_jobs_total counter$/m);
    assert.match(text, /^# TYPE bookstore_job_duration_seconds histogram$/m);
  });
});

describe('the docs page through nginx', () => {
  it('gets a CSP that lets it run its own script and fetch /openapi.json', async () => {
    const res = await get(env.nginx, '/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
  });
});
