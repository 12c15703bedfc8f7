// The database goes away and comes back: the service says so on /readyz (503) and recovers by itself,
// without a restart. Stops and starts the test stack's own PostgreSQL cluster, so it runs alone.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { env, targets, get, expectProblem, eventually } from '../lib.mjs';

function devstack(command) {
  execFileSync(env.devstack, [command, env.profile], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 90_000 });
}

async function readyStatus(base) {
  const res = await get(base, '/readyz');
  await res.arrayBuffer();
  return res.status;
}

describe('database outage', () => {
  let stopped = false;
  after(() => {
    // Whatever happened, leave the cluster running for whatever comes next.
    if (stopped) devstack('pg-start');
  });

  it('is ready before, and a request that queries the database succeeds', async () => {
    for (const [, base] of targets) {
      assert.equal(await readyStatus(base), 200);
      const res = await get(base, '/_test/db');
      assert.equal(res.status, 200);
      assert.ok((await res.json()).database_time);
    }
  });

  it('answers /readyz 503 problem+json while the database is down, /healthz stays 200', async () => {
    devstack('pg-stop');
    stopped = true;
    for (const [name, base] of targets) {
      const status = await eventually(async () => (await readyStatus(base)) === 503 && 503, { timeoutMs: 15_000 });
      assert.equal(status, 503, `${name}: /readyz did not turn 503 with the database down`);
      await expectProblem(await get(base, '/readyz'), 503);
      const health = await get(base, '/healthz');
      assert.equal(health.status, 200, `${name}: /healthz must not depend on the database`);
      // A request that needs the database fails cleanly: 503 problem+json with Retry-After, no details.
      const query = await get(base, '/_test/db');
      assert.equal(query.headers.get('retry-after') !== null, true, `${name}: 503 without Retry-After`);
      const problem = await expectProblem(query, 503);
      assert.doesNotMatch(JSON.stringify(problem), /postgres|127\.0\.0\.1|5543|SELECT/i, `${name}: leaks details`);
    }
  });

  it('is ready again within seconds after the database is back, without a restart', async () => {
    const pidBefore = await servicePid();
    devstack('pg-start');
    stopped = false;
    const started = Date.now();
    for (const [name, base] of targets) {
      const status = await eventually(async () => (await readyStatus(base)) === 200 && 200, { timeoutMs: 10_000 });
      assert.equal(status, 200, `${name}: /readyz not 200 within 10 s of the database coming back`);
      const query = await eventually(async () => {
        const res = await get(base, '/_test/db');
        await res.arrayBuffer();
        return res.status === 200 && 200;
      }, { timeoutMs: 10_000 });
      assert.equal(query, 200, `${name}: a database request still fails after the database came back`);
    }
    console.log(`# ready again ${Date.now() - started} ms after the database started`);
    assert.equal(await servicePid(), pidBefore, 'the service was restarted');
  });
});

// The service's pid from devstack's pid file, to prove the recovery happened in the same process.
async function servicePid() {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const file = path.join(path.dirname(env.devstack), '..', 'var', env.profile, 'run', 'bookstore.pid');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
}
