// Graceful shutdown of a second service instance (spawned here on its own port): SIGTERM lets the
// request in flight finish, refuses new connections, and the process exits 0.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { env, freePort, eventually } from '../lib.mjs';

const children = new Set();
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startInstance() {
  const port = await freePort();
  const child = spawn(env.binary, ['serve'], {
    env: {
      ...process.env,
      BOOKSTORE_LISTEN_ADDRESS: '127.0.0.1',
      BOOKSTORE_PORT: String(port),
      BOOKSTORE_DATABASE_URL: env.databaseUrl,
      BOOKSTORE_TOKEN_SIGNING_KEY: env.signingKeyFile,
      BOOKSTORE_LOCAL_KEY: env.localKeyFile,
      BOOKSTORE_BOOK_FILES_DIR: env.bookFilesDir,
      BOOKSTORE_TEST_ROUTES: '1',
      BOOKSTORE_LOG_DIR: '',
      BOOKSTORE_SHUTDOWN_GRACE_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const up = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}): ${output}`);
      const res = await fetch(base + '/healthz', { signal: AbortSignal.timeout(1000) });
      return res.status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  assert.equal(up, true, `second instance did not start: ${up}\n${output}`);
  return { child, port, base, exited, output: () => output };
}

function connects(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  it('SIGTERM: the request in flight completes, new connections are refused, exit code 0', async () => {
    const inst = await startInstance();
    const started = Date.now();
    const inFlight = fetch(inst.base + '/_test/sleep?ms=1500', { signal: AbortSignal.timeout(15_000) });
    // Let the request reach the handler before the signal.
    await new Promise((r) => setTimeout(r, 300));
    inst.child.kill('SIGTERM');

    const refused = await eventually(async () => !(await connects(inst.port)), { timeoutMs: 1000, intervalMs: 50 });
    assert.equal(refused, true, 'new connections still accepted after SIGTERM');
    assert.ok(Date.now() - started < 1500, 'checked refusal only after the request had finished');

    const res = await inFlight;
    assert.equal(res.status, 200, inst.output());
    assert.deepEqual(await res.json(), { slept_ms: 1500 });
    assert.ok(Date.now() - started >= 1400, 'the request did not actually wait');

    const { code, signal } = await Promise.race([
      inst.exited,
      new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 15_000)),
    ]);
    assert.equal(signal, null, `killed by ${signal}: ${inst.output()}`);
    assert.equal(code, 0, `exit code ${code}: ${inst.output()}`);
  });

  it('SIGINT stops an idle instance quickly with exit code 0', async () => {
    const inst = await startInstance();
    const started = Date.now();
    inst.child.kill('SIGINT');
    const { code } = await Promise.race([
      inst.exited,
      new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 15_000)),
    ]);
    assert.equal(code, 0, `exit code ${code}: ${inst.output()}`);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms to stop while idle`);
  });
});
