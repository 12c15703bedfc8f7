// Abuse and anti-enumeration (PRODUCT.md 1): per-account lockout after repeated failures (429 with
// Retry-After, even with the right password), per-address rate limits, and answers that never tell a
// registered email from an unknown one (register, forgot, resend, login, verify). Through nginx and
// directly. Source addresses 127.0.0.130..179 (identity-lib.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from './lib.mjs';
import {
  addressPool,
  api,
  uniqueEmail,
  newPassword,
  register,
  registerVerified,
  newUser,
  login,
  loginRes,
  expectStatus,
  expectProblem,
  expectFieldError,
  observable,
  mailSince,
  mailTo,
  extractCode,
  MAIL,
} from './identity-lib.mjs';

const addresses = addressPool(130, 179);

function retryAfterSeconds(res) {
  const value = res.headers['retry-after'] ?? '';
  assert.match(value, /^\d+$/, `Retry-After "${value}" on ${res.status} ${res.text}`);
  return Number(value);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const [name, base] of targets) {
  describe(`brute force ${name}`, () => {
    it('after 5 consecutive failures the account is locked: 429 with Retry-After, even with the right password', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      for (let i = 1; i <= 4; i++) {
        expectProblem(await loginRes(base, user.email, `wrong-${i}-${user.password}`, ip), 401, `failure ${i}`);
      }
      const fifth = await loginRes(base, user.email, `wrong-5-${user.password}`, ip);
      assert.ok([401, 429].includes(fifth.status), `failure 5: ${fifth.status} ${fifth.text}`);

      const locked = await loginRes(base, user.email, user.password, ip);
      expectProblem(locked, 429, 'the right password while locked');
      const seconds = retryAfterSeconds(locked);
      assert.ok(seconds >= 1 && seconds <= 900, `Retry-After ${seconds}`);
      assert.ok(!locked.json.access_token, 'a token came with the 429');

      expectProblem(await loginRes(base, user.email, 'wrong-again-' + user.password, ip), 429, 'a wrong password while locked');
      // The lock is the account's, not the address's: from elsewhere too, and others are not locked.
      const elsewhere = addresses.next();
      expectProblem(await loginRes(base, user.email, user.password, elsewhere), 429, 'the right password from another address');
      const other = await newUser(base, { ip });
      await login(base, other.email, other.password, ip);
      // The user's existing session is not touched by the lock.
      expectStatus(await api(base, 'GET', '/api/v1/me', { token: user.token, ip }), 200);
    });

    it('only consecutive failures count: a success in between resets the count', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      for (let round = 0; round < 2; round++) {
        for (let i = 1; i <= 4; i++) {
          expectProblem(await loginRes(base, user.email, `wrong-${round}-${i}`, ip), 401, `round ${round} failure ${i}`);
        }
        await login(base, user.email, user.password, ip);
      }
    });

    it('per-address limit on the auth routes: 429 problem with Retry-After', async () => {
      const ip = addresses.next();
      const responses = await Promise.all(
        Array.from({ length: 45 }, () =>
          api(base, 'POST', '/api/v1/auth/verify-email/resend', { body: { email: uniqueEmail() }, ip }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 202 || s === 429), `statuses ${statuses}`);
      const limited = responses.filter((r) => r.status === 429);
      assert.ok(limited.length > 0, `no 429 among ${statuses}`);
      const r = limited[0];
      if (name === 'direct') {
        // The service's own limiter: a problem with no-store, like every answer of /api/v1/auth.
        expectProblem(r, 429, 'rate limited by the service');
      } else {
        // Mostly nginx's limit_req (its error page is checked in errors.test.mjs).
        assert.match(r.headers['content-type'] ?? '', /^application\/problem\+json/);
        assert.equal(r.json?.status, 429);
      }
      assert.ok(retryAfterSeconds(r) >= 1);
    });
  });

  describe(`anti-enumeration ${name}`, () => {
    it('login fails identically for an unknown email and a wrong password', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      const wrong = await loginRes(base, user.email, 'not-' + user.password, ip);
      const unknown = await loginRes(base, uniqueEmail(), 'not-' + user.password, ip);
      const unknownBadPassword = await loginRes(base, uniqueEmail(), 'x', ip);
      expectProblem(wrong, 401, 'wrong password');
      expectProblem(unknown, 401, 'unknown email');
      assert.deepEqual(observable(unknown), observable(wrong));
      assert.deepEqual(observable(unknownBadPassword), observable(wrong));
    });

    it('login takes about as long for an unknown email as for a wrong password (a dummy hash)', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      const known = [];
      const unknown = [];
      // Four of each, interleaved (a fifth failure would lock the account).
      for (let i = 0; i < 4; i++) {
        let t = performance.now();
        expectProblem(await loginRes(base, user.email, `wrong-${i}`, ip), 401);
        known.push(performance.now() - t);
        t = performance.now();
        expectProblem(await loginRes(base, uniqueEmail(), `wrong-${i}`, ip), 401);
        unknown.push(performance.now() - t);
      }
      const k = median(known);
      const u = median(unknown);
      console.log(`# login failure: wrong password ${k.toFixed(1)} ms, unknown email ${u.toFixed(1)} ms (medians)`);
      // Both pay for one Argon2id verification (m=19 MiB, t=2: well above the rest of a login); without the
      // dummy hash an unknown email would answer in a fraction of the time.
      assert.ok(u >= k * 0.3, `unknown email ${u.toFixed(1)} ms vs wrong password ${k.toFixed(1)} ms: no dummy hash?`);
    });

    it('register answers byte-identically for a registered and a new email; the owner is told by mail', async () => {
      const ip = addresses.next();
      const existing = await registerVerified(base, { ip });
      const fresh = uniqueEmail();
      const since = mailSince();
      const taken = await register(base, { email: existing.email, password: newPassword(), name: 'Other' }, ip);
      const created = await register(base, { email: fresh, password: newPassword(), name: 'Other' }, ip);
      for (const r of [taken, created]) expectStatus(r, 202);
      assert.equal(taken.headers['content-type'], created.headers['content-type']);
      assert.equal(taken.text, created.text);
      assert.deepEqual(JSON.parse(taken.text), { status: 'accepted' });
      assert.deepEqual(observable(taken), observable(created));
      await mailTo(existing.email, since, MAIL.accountExists);
      await mailTo(fresh, since, MAIL.verify);
      // The existing account is unchanged: its password still works.
      await login(base, existing.email, existing.password, ip);
    });

    it('forgot-password answers byte-identically for a registered and an unknown email', async () => {
      const ip = addresses.next();
      const user = await registerVerified(base, { ip });
      const since = mailSince();
      const known = await api(base, 'POST', '/api/v1/auth/password/forgot', { body: { email: user.email }, ip });
      const unknown = await api(base, 'POST', '/api/v1/auth/password/forgot', { body: { email: uniqueEmail() }, ip });
      for (const r of [known, unknown]) expectStatus(r, 202);
      assert.equal(known.headers['content-type'], unknown.headers['content-type']);
      assert.equal(known.text, unknown.text);
      assert.deepEqual(JSON.parse(known.text), { status: 'accepted' });
      assert.deepEqual(observable(known), observable(unknown));
      await mailTo(user.email, since, MAIL.reset);
      // Asking for a reset changes nothing yet.
      await login(base, user.email, user.password, ip);
    });

    it('resend-verification answers identically for unverified, verified and unknown emails', async () => {
      const ip = addresses.next();
      const verified = await registerVerified(base, { ip });
      const unverified = uniqueEmail();
      expectStatus(await register(base, { email: unverified, password: newPassword(), name: 'U' }, ip), 202);
      const answers = [];
      for (const email of [unverified, verified.email, uniqueEmail()]) {
        const r = await api(base, 'POST', '/api/v1/auth/verify-email/resend', { body: { email }, ip });
        assert.deepEqual(expectStatus(r, 202, `resend for ${email}`), { status: 'accepted' });
        answers.push(observable(r));
      }
      assert.deepEqual(answers[1], answers[0]);
      assert.deepEqual(answers[2], answers[0]);
    });

    it('verify-email: an unknown email fails like a wrong code; a code dies after too many wrong tries', async () => {
      const ip = addresses.next();
      const email = uniqueEmail();
      const since = mailSince();
      expectStatus(await register(base, { email, password: newPassword(), name: 'V' }, ip), 202);
      const code = extractCode((await mailTo(email, since, MAIL.verify)).text);
      const wrongCode = code === '123456' ? '654321' : '123456';

      const wrong = await api(base, 'POST', '/api/v1/auth/verify-email', { body: { email, code: wrongCode }, ip });
      const unknown = await api(base, 'POST', '/api/v1/auth/verify-email', { body: { email: uniqueEmail(), code }, ip });
      expectFieldError(wrong, 422, 'code', 'wrong code');
      expectFieldError(unknown, 422, 'code', 'unknown email');
      assert.deepEqual(observable(unknown), observable(wrong));

      // At most 5 wrong tries: after six, even the right code is refused.
      for (let i = 2; i <= 6; i++) {
        expectFieldError(
          await api(base, 'POST', '/api/v1/auth/verify-email', { body: { email, code: wrongCode }, ip }),
          422,
          'code',
          `wrong try ${i}`,
        );
      }
      expectFieldError(
        await api(base, 'POST', '/api/v1/auth/verify-email', { body: { email, code }, ip }),
        422,
        'code',
        'the right code after too many wrong tries',
      );
    });
  });
}
