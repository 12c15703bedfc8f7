// Authorization (PRODUCT.md 2): roles and their permissions, per-object checks (another user's session
// is 404, not 403) and field-level rules (nobody sets their own role, state or verification flag; an
// admin cannot change their own role). Through nginx and directly. Source addresses 127.0.0.100..129.
import { describe, it, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { targets } from './lib.mjs';
import {
  addressPool,
  api,
  uniqueEmail,
  newPassword,
  register,
  newUser,
  createAdmin,
  lazyAdmin,
  userWithRole,
  expectStatus,
  expectProblem,
  expectUnauthenticated,
  expectTokenAccepted,
  fieldsOf,
  sameId,
} from './identity-lib.mjs';

const addresses = addressPool(100, 129);

const getAdmin = lazyAdmin(addresses.next());

// Every admin route with a method, for a target user id.
function adminRoutes(userId) {
  const u = `/api/v1/admin/users/${userId}`;
  return [
    ['GET', '/api/v1/admin/users', undefined],
    ['GET', u, undefined],
    ['PATCH', u, { name: 'Renamed' }],
    ['PATCH', u, { role: 'admin' }],
    ['POST', `${u}/ban`, { reason: 'test' }],
    ['POST', `${u}/unban`, undefined],
    ['DELETE', u, undefined],
    ['GET', `${u}/sessions`, undefined],
    ['DELETE', `${u}/sessions`, undefined],
    ['POST', `${u}/resend-verification`, undefined],
    ['GET', '/api/v1/admin/audit', undefined],
  ];
}

for (const [name, base] of targets) {
  describe(`authorization ${name}`, () => {
    let alice; // customers
    let bob;
    // Each test its own address (several sign-ups and logins each).
    let ip;
    beforeEach(() => {
      ip = addresses.next();
    });

    before(async () => {
      const setup = addresses.next();
      alice = await newUser(base, { ip: setup });
      bob = await newUser(base, { ip: setup });
    });

    it('a customer gets 403 on every admin route, and nothing changes', async () => {
      for (const [method, path, body] of adminRoutes(bob.id)) {
        const res = await api(base, method, path, { body, token: alice.token, ip });
        expectProblem(res, 403, `customer ${method} ${path}`);
        assert.ok(!res.text.includes(bob.email), `the 403 of ${method} ${path} shows the user`);
      }
      const me = await expectTokenAccepted(base, bob.token, ip, 'bob after the attempts');
      assert.equal(me.role, 'customer');
      assert.equal(me.name, bob.name);
      assert.equal(me.state, 'active');
    });

    it('without a token every admin route is 401 with WWW-Authenticate: Bearer', async () => {
      for (const [method, path, body] of adminRoutes(bob.id)) {
        expectUnauthenticated(await api(base, method, path, { body, ip }), `${method} ${path} without a token`);
      }
    });

    it("another user's session is 404 to list-and-revoke, exactly like a session that does not exist", async () => {
      const mine = expectStatus(await api(base, 'GET', '/api/v1/me/sessions', { token: alice.token, ip }), 200);
      assert.ok(!mine.items.some((s) => s.id === bob.session.session_id), "bob's session is in alice's list");

      const foreign = await api(base, 'DELETE', `/api/v1/me/sessions/${encodeURIComponent(bob.session.session_id)}`, { token: alice.token, ip });
      expectProblem(foreign, 404, "alice revokes bob's session");
      await expectTokenAccepted(base, bob.token, ip, "bob's session after alice's attempt");

      const missing = await api(base, 'DELETE', `/api/v1/me/sessions/${crypto.randomUUID()}`, { token: alice.token, ip });
      expectProblem(missing, 404, 'a session id that does not exist');
      for (const field of ['type', 'title', 'detail']) {
        assert.equal(foreign.json[field], missing.json[field], `${field} tells a foreign session from a missing one`);
      }
    });

    it('nobody sets their own role, state or verification flag (403 naming the fields)', async () => {
      const user = await newUser(base, { ip });
      const cases = [
        [{ role: 'admin' }, ['role']],
        [{ state: 'active' }, ['state']],
        [{ email_verified: true }, ['email_verified']],
        [{ name: 'Sneaky', role: 'support', state: 'deactivated' }, ['role', 'state']],
      ];
      for (const [body, fields] of cases) {
        const res = await api(base, 'PATCH', '/api/v1/me', { body, token: user.token, ip });
        const problem = expectProblem(res, 403, `PATCH /me ${JSON.stringify(body)}`);
        for (const f of fields) assert.ok(fieldsOf(problem).includes(f), `errors[] do not name ${f}: ${res.text}`);
      }
      const me = await expectTokenAccepted(base, user.token, ip);
      assert.equal(me.role, 'customer');
      assert.equal(me.state, 'active');
      assert.equal(me.name, user.name, 'a refused PATCH changed the name anyway');
      // And the token still says customer.
      expectProblem(await api(base, 'GET', '/api/v1/admin/users', { token: user.token, ip }), 403, 'after the attempts');
    });

    it('support may list and view users and resend a verification mail, nothing more', async () => {
      const support = await userWithRole(base, await getAdmin(), 'support', ip);
      const target = await newUser(base, { ip });

      const list = expectStatus(
        await api(base, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(target.email)}`, { token: support.token, ip }),
        200,
        'support lists users',
      );
      assert.ok(list.items.some((u) => sameId(u.id, target.id)), 'support does not find the user');
      const view = expectStatus(await api(base, 'GET', `/api/v1/admin/users/${target.id}`, { token: support.token, ip }), 200, 'support views');
      assert.ok(sameId(view.user.id, target.id));
      assert.ok(Array.isArray(view.sessions));
      assert.ok(!JSON.stringify(view).includes('argon2'), 'the admin view shows the password hash');
      expectStatus(await api(base, 'GET', `/api/v1/admin/users/${target.id}/sessions`, { token: support.token, ip }), 200, 'support sees sessions');

      const unverifiedEmail = uniqueEmail();
      expectStatus(await register(base, { email: unverifiedEmail, password: newPassword(), name: 'Unverified' }, ip), 202);
      const found = expectStatus(
        await api(base, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(unverifiedEmail)}`, { token: support.token, ip }),
        200,
      );
      assert.equal(found.items.length, 1, `search for ${unverifiedEmail}: ${JSON.stringify(found.items)}`);
      expectStatus(
        await api(base, 'POST', `/api/v1/admin/users/${found.items[0].id}/resend-verification`, { token: support.token, ip }),
        202,
        'support resends the verification mail',
      );

      const forbidden = [
        ['POST', `/api/v1/admin/users/${target.id}/ban`, { reason: 'support tries' }],
        ['POST', `/api/v1/admin/users/${target.id}/unban`, undefined],
        ['PATCH', `/api/v1/admin/users/${target.id}`, { role: 'admin' }],
        ['PATCH', `/api/v1/admin/users/${support.id}`, { role: 'admin' }],
        ['PATCH', `/api/v1/admin/users/${target.id}`, { state: 'deactivated' }],
        ['DELETE', `/api/v1/admin/users/${target.id}`, undefined],
        ['DELETE', `/api/v1/admin/users/${target.id}/sessions`, undefined],
        ['GET', '/api/v1/admin/audit', undefined],
      ];
      for (const [method, path, body] of forbidden) {
        expectProblem(await api(base, method, path, { body, token: support.token, ip }), 403, `support ${method} ${path}`);
      }
      const after = await expectTokenAccepted(base, target.token, ip, 'the target after the attempts');
      assert.equal(after.role, 'customer');
      assert.equal(after.state, 'active');
      assert.equal((await expectTokenAccepted(base, support.token, ip)).role, 'support');
    });

    it('inventory has no business with users (403)', async () => {
      const inventory = await userWithRole(base, await getAdmin(), 'inventory', ip);
      for (const [method, path, body] of adminRoutes(bob.id)) {
        expectProblem(await api(base, method, path, { body, token: inventory.token, ip }), 403, `inventory ${method} ${path}`);
      }
    });

    it('an admin cannot change their own role', async () => {
      const other = await createAdmin(base, { ip });
      const res = await api(base, 'PATCH', `/api/v1/admin/users/${other.id}`, { body: { role: 'customer' }, token: other.token, ip });
      expectProblem(res, 403, 'admin demotes themselves');
      const me = await expectTokenAccepted(base, other.token, ip, 'the admin after the attempt');
      assert.equal(me.role, 'admin');
      // Another admin may.
      const demoted = expectStatus(
        await api(base, 'PATCH', `/api/v1/admin/users/${other.id}`, { body: { role: 'customer' }, token: (await getAdmin()).token, ip }),
        200,
        'admin demotes another admin',
      );
      assert.equal(demoted.role, 'customer');
    });
  });
}
