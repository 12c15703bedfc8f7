// Admin user management and the audit log (PRODUCT.md 1 "Audit log", 2): search and filter users with
// cursor pages, view one with their sessions, ban/unban, change role or state (each ends the user's
// sessions), revoke sessions, force-delete; the audit log records logins, failures, role changes and
// bans with actor, target, address and request id, never a secret, and filters and pages correctly.
// The first admin comes from `bookstore admin create`. Through nginx and directly.
// Source addresses 127.0.0.180..229 (identity-lib.mjs).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { targets, env } from './lib.mjs';
import {
  addressPool,
  api,
  randomHex,
  uniqueEmail,
  newPassword,
  register,
  newUser,
  createAdmin,
  login,
  loginRes,
  refresh,
  anonymiseNow,
  decodeToken,
  expectStatus,
  expect2xx,
  expectProblem,
  expectFieldError,
  expectTokenRefused,
  expectTokenAccepted,
  assertTimestamp,
  sameId,
} from './identity-lib.mjs';

const addresses = addressPool(180, 229);

let admin;
before(async () => {
  admin = await createAdmin(env.service, { ip: addresses.next() });
});

async function adminCall(base, method, path, { body, ip, token } = {}) {
  return api(base, method, path, { body, ip, token: token ?? admin.token });
}

// Every page of a list, following next_cursor; checks that pages are disjoint.
async function allPages(base, path, ip, key = 'id') {
  const seen = new Set();
  const items = [];
  let cursor = null;
  for (let page = 0; page < 50; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`;
    const body = expectStatus(await adminCall(base, 'GET', url, { ip }), 200, `GET ${url}`);
    assert.ok(Array.isArray(body.items), `no items: ${JSON.stringify(body)}`);
    for (const item of body.items) {
      const id = String(item[key]);
      assert.ok(!seen.has(id), `item ${id} is on two pages of ${path}`);
      seen.add(id);
      items.push(item);
    }
    if (body.next_cursor === null || body.next_cursor === undefined) return { items, pages: page + 1 };
    assert.equal(typeof body.next_cursor, 'string');
    cursor = body.next_cursor;
  }
  assert.fail(`more than 50 pages of ${path}`);
}

for (const [name, base] of targets) {
  describe(`admin: users ${name}`, () => {
    it('list: search by q, filter by role, state and banned; cursor pages are disjoint', async () => {
      const ip = addresses.next();
      const tag = `adm${randomHex(4)}`;
      const users = [];
      for (let i = 0; i < 3; i++) users.push(await newUser(base, { ip, email: uniqueEmail(tag) }));
      const q = `/api/v1/admin/users?q=${tag}`;

      const all = expectStatus(await adminCall(base, 'GET', q, { ip }), 200, 'search');
      assert.deepEqual(all.items.map((u) => String(u.id)).sort(), users.map((u) => String(u.id)).sort());
      for (const u of all.items) {
        assert.ok(u.email.startsWith(tag));
        assert.equal(u.role, 'customer');
        assert.equal(u.state, 'active');
      }
      assert.ok(!JSON.stringify(all).includes('argon2'), 'the list shows password hashes');
      // Case-insensitive.
      const upper = expectStatus(await adminCall(base, 'GET', `/api/v1/admin/users?q=${tag.toUpperCase()}`, { ip }), 200);
      assert.equal(upper.items.length, 3, 'search is case-sensitive');

      // Pages of two: disjoint, together the whole result.
      const paged = await allPages(base, `${q}&limit=2`, ip);
      assert.equal(paged.pages, 2);
      assert.deepEqual(paged.items.map((u) => String(u.id)).sort(), users.map((u) => String(u.id)).sort());

      // Filters.
      expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${users[0].id}`, { body: { role: 'support' }, ip }), 200);
      expect2xx(await adminCall(base, 'POST', `/api/v1/admin/users/${users[1].id}/ban`, { body: { reason: 'spam' }, ip }), 'ban');
      expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${users[2].id}`, { body: { state: 'deactivated' }, ip }), 200);
      const ids = async (query) =>
        expectStatus(await adminCall(base, 'GET', `${q}&${query}`, { ip }), 200, query).items.map((u) => String(u.id));
      assert.deepEqual(await ids('role=support'), [String(users[0].id)]);
      assert.deepEqual((await ids('role=customer')).sort(), [String(users[1].id), String(users[2].id)].sort());
      assert.deepEqual(await ids('banned=true'), [String(users[1].id)]);
      assert.deepEqual((await ids('banned=false')).sort(), [String(users[0].id), String(users[2].id)].sort());
      assert.deepEqual(await ids('state=deactivated'), [String(users[2].id)]);
      assert.deepEqual((await ids('state=active')).sort(), [String(users[0].id), String(users[1].id)].sort());
      assert.deepEqual(await ids('role=support&state=deactivated'), []);

      expectFieldError(await adminCall(base, 'GET', `${q}&role=superuser`, { ip }), 422, 'role', 'unknown role filter');
    });

    it('view: the profile and the sessions, no secrets; an unknown id is 404', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      const res = await adminCall(base, 'GET', `/api/v1/admin/users/${user.id}`, { ip });
      const body = expectStatus(res, 200, 'view');
      assert.ok(sameId(body.user.id, user.id));
      assert.equal(body.user.email, user.email);
      assert.equal(body.user.role, 'customer');
      assert.ok(body.sessions.some((s) => s.id === user.session.session_id), 'the session is not shown');
      for (const secret of ['argon2', user.password, user.refresh, user.token]) {
        assert.ok(!res.text.includes(secret), `the admin view contains ${secret.slice(0, 12)}...`);
      }
      const sessions = expectStatus(await adminCall(base, 'GET', `/api/v1/admin/users/${user.id}/sessions`, { ip }), 200);
      assert.ok(sessions.items.some((s) => s.id === user.session.session_id));
      expectProblem(await adminCall(base, 'GET', '/api/v1/admin/users/987654321012', { ip }), 404, 'unknown id');
      expectProblem(await adminCall(base, 'PATCH', '/api/v1/admin/users/987654321012', { body: { name: 'x' }, ip }), 404);
      expectProblem(await adminCall(base, 'POST', '/api/v1/admin/users/987654321012/ban', { body: { reason: 'x' }, ip }), 404);
    });

    it('ban ends the sessions and refuses login with 403; unban lets the user back in', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      expect2xx(await adminCall(base, 'POST', `/api/v1/admin/users/${user.id}/ban`, { body: { reason: 'chargebacks' }, ip }), 'ban');
      await expectTokenRefused(base, user.token, ip, 'access token of a banned user');
      expectProblem(await refresh(base, user.refresh, ip), 401, 'refresh of a banned user');
      expectProblem(await loginRes(base, user.email, user.password, ip), 403, 'login of a banned user');
      // Anonymous flows still do not tell anything.
      assert.deepEqual(
        expectStatus(await api(base, 'POST', '/api/v1/auth/password/forgot', { body: { email: user.email }, ip }), 202),
        { status: 'accepted' },
      );

      expect2xx(await adminCall(base, 'POST', `/api/v1/admin/users/${user.id}/unban`, { ip }), 'unban');
      const session = await login(base, user.email, user.password, ip);
      await expectTokenAccepted(base, session.access_token, ip, 'after unban');
      // The admin cannot ban themselves.
      expectProblem(await adminCall(base, 'POST', `/api/v1/admin/users/${admin.id}/ban`, { body: { reason: 'oops' }, ip }), 403, 'self-ban');
    });

    it("a role change ends the user's sessions; the next token carries the new role", async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      expectFieldError(
        await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { role: 'superuser' }, ip }),
        422,
        'role',
        'unknown role',
      );
      await expectTokenAccepted(base, user.token, ip, 'a refused change ends nothing');

      const updated = expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { role: 'support' }, ip }), 200);
      assert.equal(updated.role, 'support');
      await expectTokenRefused(base, user.token, ip, 'access token from before the role change');
      expectProblem(await refresh(base, user.refresh, ip), 401, 'refresh from before the role change');

      const session = await login(base, user.email, user.password, ip);
      assert.equal(decodeToken(session.access_token).payload.role, 'support');
      assert.equal((await expectTokenAccepted(base, session.access_token, ip)).role, 'support');
      expectStatus(await api(base, 'GET', '/api/v1/admin/users', { token: session.access_token, ip }), 200, 'support lists users');
    });

    it('deactivate and reactivate a user; deactivation ends the sessions', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      const off = expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { state: 'deactivated' }, ip }), 200);
      assert.equal(off.state, 'deactivated');
      await expectTokenRefused(base, user.token, ip, 'access token after deactivation by an admin');
      assert.equal((await login(base, user.email, user.password, ip)).account_state, 'deactivated');

      const on = expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { state: 'active' }, ip }), 200);
      assert.equal(on.state, 'active');
      assert.equal((await login(base, user.email, user.password, ip)).account_state, 'active');
      // Only active and deactivated can be set.
      const bad = await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { state: 'deleted' }, ip });
      expectFieldError(bad, 422, 'state', 'state deleted');
    });

    it("revoke a user's sessions: every token of theirs is refused at once", async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      const second = await login(base, user.email, user.password, ip);
      const res = await adminCall(base, 'DELETE', `/api/v1/admin/users/${user.id}/sessions`, { ip });
      const body = expect2xx(res, 'revoke sessions');
      if (res.status === 200) assert.ok(body.revoked >= 2, `revoked ${body.revoked}`);
      await expectTokenRefused(base, user.token, ip, 'first session');
      await expectTokenRefused(base, second.access_token, ip, 'second session');
      const after = expectStatus(await adminCall(base, 'GET', `/api/v1/admin/users/${user.id}/sessions`, { ip }), 200);
      assert.ok(!after.items.some((s) => s.id === user.session.session_id || s.id === second.session_id), 'revoked sessions still listed');
      // The user can simply log in again.
      await login(base, user.email, user.password, ip);
    });

    it('force-delete: 202, sessions end, and after the anonymisation the user is gone', async () => {
      const ip = addresses.next();
      const user = await newUser(base, { ip });
      expectStatus(await adminCall(base, 'DELETE', `/api/v1/admin/users/${user.id}`, { ip }), 202, 'force delete');
      await expectTokenRefused(base, user.token, ip, 'access token after force-delete');
      assert.ok((await anonymiseNow(base, user.email, ip)) >= 1);
      expectProblem(await adminCall(base, 'GET', `/api/v1/admin/users/${user.id}`, { ip }), 404, 'view after anonymisation');
      expectProblem(await loginRes(base, user.email, user.password, ip), 401, 'login after anonymisation');
      // Orders don't exist yet (a later issue): then assert here that they are kept.
    });

    it('resend-verification: 202 for an unverified user, 404 for an unknown one', async () => {
      const ip = addresses.next();
      const email = uniqueEmail();
      expectStatus(await register(base, { email, password: newPassword(), name: 'Pending' }, ip), 202);
      const found = expectStatus(await adminCall(base, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(email)}`, { ip }), 200);
      assert.equal(found.items.length, 1);
      assert.equal(found.items[0].email_verified ?? false, false);
      expectStatus(await adminCall(base, 'POST', `/api/v1/admin/users/${found.items[0].id}/resend-verification`, { ip }), 202);
      expectProblem(await adminCall(base, 'POST', '/api/v1/admin/users/987654321012/resend-verification', { ip }), 404);
    });
  });

  describe(`admin: audit log ${name}`, () => {
    const ip = addresses.next();
    let user;
    let wrongPassword;
    let loginRequestId;
    let failedRequestId;
    const tokens = [];

    before(async () => {
      user = await newUser(base, { ip });
      tokens.push(user.token, user.refresh);
      loginRequestId = `audit-ok-${randomHex(6)}`;
      failedRequestId = `audit-fail-${randomHex(6)}`;
      // Through nginx, a client's own forwarding headers must not become the recorded address.
      const spoof = name === 'via nginx' ? { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.7' } : {};
      const ok = await login(base, user.email, user.password, ip, { 'x-request-id': loginRequestId, ...spoof });
      tokens.push(ok.access_token, ok.refresh_token);
      wrongPassword = `Wrong-${randomHex(8)}-pw`;
      expectProblem(await loginRes(base, user.email, wrongPassword, ip, { 'x-request-id': failedRequestId, ...spoof }), 401);
      expectStatus(await adminCall(base, 'PATCH', `/api/v1/admin/users/${user.id}`, { body: { role: 'support' }, ip }), 200);
      expect2xx(await adminCall(base, 'POST', `/api/v1/admin/users/${user.id}/ban`, { body: { reason: 'audit test' }, ip }), 'ban');
      tokens.push(admin.token, admin.refresh);
    });

    async function audit(query) {
      const res = await adminCall(base, 'GET', `/api/v1/admin/audit?${query}`, { ip });
      const body = expectStatus(res, 200, `audit ${query}`);
      assert.ok(Array.isArray(body.items), `no items: ${res.text}`);
      for (const secret of ['argon2', '$argon', user.password, wrongPassword, ...tokens]) {
        assert.ok(!res.text.includes(secret), `the audit log contains ${secret.slice(0, 12)}...`);
      }
      return body;
    }

    function checkEntry(e) {
      for (const f of ['id', 'occurred_at', 'action', 'actor_id', 'target_type', 'target_id', 'ip', 'request_id', 'details']) {
        assert.ok(f in e, `audit entry without ${f}: ${JSON.stringify(e)}`);
      }
      assertTimestamp(e.occurred_at, 'occurred_at');
    }

    it('records login.succeeded and login.failed with the user, the client address and the request id', async () => {
      const target = `target_type=user&target=${user.id}`;
      const ok = (await audit(`action=login.succeeded&${target}`)).items;
      const entry = ok.find((e) => e.request_id === loginRequestId);
      assert.ok(entry, `no login.succeeded with request id ${loginRequestId}: ${JSON.stringify(ok)}`);
      checkEntry(entry);
      assert.equal(entry.action, 'login.succeeded');
      assert.ok(sameId(entry.actor_id, user.id), `actor ${entry.actor_id}`);
      assert.ok(sameId(entry.target_id, user.id));
      assert.equal(entry.ip, ip, 'the recorded address is not the client');

      const failed = (await audit(`action=login.failed&${target}`)).items;
      const f = failed.find((e) => e.request_id === failedRequestId);
      assert.ok(f, `no login.failed with request id ${failedRequestId}: ${JSON.stringify(failed)}`);
      checkEntry(f);
      assert.equal(f.target_type, 'user');
      assert.ok(sameId(f.target_id, user.id));
      assert.equal(f.ip, ip);
    });

    it('records role.changed and user.banned with the admin as actor', async () => {
      for (const action of ['role.changed', 'user.banned']) {
        const items = (await audit(`action=${action}&target_type=user&target=${user.id}`)).items;
        assert.equal(items.length, 1, `${action}: ${JSON.stringify(items)}`);
        checkEntry(items[0]);
        assert.equal(items[0].action, action);
        assert.ok(sameId(items[0].actor_id, admin.id), `${action} actor ${items[0].actor_id}, admin ${admin.id}`);
        assert.ok(sameId(items[0].target_id, user.id));
        assert.equal(items[0].ip, ip);
      }
    });

    it('filters by action (exact and prefix), actor, target and time', async () => {
      const byActor = (await audit(`actor=${admin.id}&limit=200`)).items;
      assert.ok(byActor.length >= 2);
      for (const e of byActor) assert.ok(sameId(e.actor_id, admin.id), `actor filter let through ${JSON.stringify(e)}`);
      const actions = new Set(byActor.map((e) => e.action));
      for (const a of ['role.changed', 'user.banned']) assert.ok(actions.has(a), `${a} missing from the admin's actions`);

      const exact = (await audit(`action=login.failed&limit=50`)).items;
      for (const e of exact) assert.equal(e.action, 'login.failed');
      const prefix = (await audit(`action=login.&target_type=user&target=${user.id}`)).items;
      assert.ok(prefix.length >= 2);
      for (const e of prefix) assert.ok(e.action.startsWith('login.'), `prefix filter let through ${e.action}`);

      const target = (await audit(`target_type=user&target=${user.id}&limit=200`)).items;
      for (const e of target) assert.ok(e.target_type === 'user' && sameId(e.target_id, user.id));

      const hour = 3_600_000;
      const iso = (ms) => new Date(ms).toISOString();
      const inside = (await audit(`target_type=user&target=${user.id}&from=${iso(Date.now() - hour)}&to=${iso(Date.now() + hour)}&limit=200`)).items;
      assert.deepEqual(inside.map((e) => e.id), target.map((e) => e.id));
      assert.deepEqual((await audit(`target_type=user&target=${user.id}&from=${iso(Date.now() + hour)}`)).items, []);
      assert.deepEqual((await audit(`target_type=user&target=${user.id}&to=2000-01-01T00:00:00Z`)).items, []);
    });

    it('cursor pages are disjoint, newest first, and together the whole result', async () => {
      const query = `/api/v1/admin/audit?target_type=user&target=${user.id}`;
      const whole = (await audit(`target_type=user&target=${user.id}&limit=200`)).items;
      assert.ok(whole.length >= 4, `only ${whole.length} events about the user`);
      const paged = await allPages(base, `${query}&limit=2`, ip);
      assert.ok(paged.pages >= 2);
      assert.deepEqual(paged.items.map((e) => String(e.id)), whole.map((e) => String(e.id)));
      const times = paged.items.map((e) => Date.parse(e.occurred_at));
      for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] >= times[i], 'not newest first');
    });

    it('refuses a malformed time filter with 422', async () => {
      expectProblem(await adminCall(base, 'GET', '/api/v1/admin/audit?from=yesterday', { ip }), 422, 'bad from');
    });
  });
}
