// Access and refresh tokens (PRODUCT.md 1, OWASP ASVS V3): PASETO v4.public access tokens with the
// claims iss aud sub sid role iat nbf exp jti and a {"kid"} footer naming a key published at
// /.well-known/paserk. Anything else is refused with 401 + WWW-Authenticate: Bearer: tampered or
// foreign tokens, and, minted here with the test stack's own signing key (BOOKSTORE_TEST_SIGNING_KEY_FILE),
// tokens that are expired, not yet valid, for another audience or issuer, or short of a claim.
// Through nginx and directly. Source addresses 127.0.0.70..99 (identity-lib.mjs).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { targets } from './lib.mjs';
import {
  addressPool,
  api,
  newUser,
  login,
  refresh,
  expectStatus,
  expectProblem,
  expectUnauthenticated,
  expectTokenRefused,
  expectTokenAccepted,
  assertTimestamp,
  decodeToken,
  verifyV4Public,
  publicKeyFromRaw,
  rawFromK4Public,
  k4PublicOf,
  loadTestSigningKey,
  signV4Public,
  freshClaims,
  claimTime,
  expectedIssuer,
  flipChar,
  sameId,
} from './identity-lib.mjs';

const addresses = addressPool(70, 99);
const CLAIMS = ['iss', 'aud', 'sub', 'sid', 'role', 'jti', 'iat', 'nbf', 'exp'];

// The signing key, or why there is none (the minting tests then fail saying so).
let signing = null;
let signingProblem = null;
try {
  signing = loadTestSigningKey();
  if (!signing) signingProblem = 'the test stack does not export BOOKSTORE_TEST_SIGNING_KEY_FILE';
} catch (e) {
  signingProblem = `BOOKSTORE_TEST_SIGNING_KEY_FILE is unusable: ${e.message}`;
}
function requireSigningKey() {
  assert.ok(signing, signingProblem ?? 'no signing key');
  return signing;
}

async function publishedKeys(base, ip) {
  const res = await api(base, 'GET', '/.well-known/paserk', { ip });
  const body = expectStatus(res, 200, 'GET /.well-known/paserk');
  assert.match(res.headers['content-type'] ?? '', /json/);
  assert.ok(Array.isArray(body.keys) && body.keys.length >= 1, `no keys: ${res.text}`);
  return body.keys;
}

function mint(claims, { footer, implicit = '', key } = {}) {
  const k = key ?? requireSigningKey().privateKey;
  return signV4Public(k, JSON.stringify(claims), footer ?? JSON.stringify({ kid: kidOfUser }), implicit);
}
let kidOfUser; // the kid of the stack's signing key (from the footer of a real token)

for (const [name, base] of targets) {
  describe(`access tokens ${name}`, () => {
    const ip = addresses.next();
    const ip2 = addresses.next();
    let user;
    let template; // the payload of a real access token

    before(async () => {
      user = await newUser(base, { ip });
      const decoded = decodeToken(user.token);
      template = decoded.payload;
      kidOfUser = decoded.footer?.kid;
    });

    it('GET /.well-known/paserk publishes k4.public keys with their k4.pid', async () => {
      const keys = await publishedKeys(base, ip);
      for (const k of keys) {
        assert.match(k.kid, /^k4\.pid\.[A-Za-z0-9_-]{44}$/, `kid ${k.kid}`);
        assert.match(k.paserk, /^k4\.public\.[A-Za-z0-9_-]{43}$/, `paserk ${k.paserk}`);
        assert.equal(rawFromK4Public(k.paserk).length, 32);
      }
      assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length, 'a kid is published twice');
      assert.ok(!JSON.stringify(keys).includes('k4.secret'), 'a secret key is published');
    });

    it('the access token names a published key in its footer and verifies with it', async () => {
      const { footer, footerText } = decodeToken(user.token);
      assert.deepEqual(Object.keys(footer ?? {}), ['kid'], `footer ${footerText}`);
      const keys = await publishedKeys(base, ip);
      const key = keys.find((k) => k.kid === footer.kid);
      assert.ok(key, `kid ${footer.kid} is not among ${keys.map((k) => k.kid)}`);
      const payload = verifyV4Public(publicKeyFromRaw(rawFromK4Public(key.paserk)), user.token);
      assert.ok(payload, 'the token does not verify with the published key');
    });

    it('the access token carries exactly iss aud sub sid role jti iat nbf exp', async () => {
      const claims = decodeToken(user.token).payload;
      assert.deepEqual(Object.keys(claims).sort(), [...CLAIMS].sort());
      assert.equal(claims.iss, expectedIssuer());
      assert.equal(claims.aud, 'bookstore-api');
      assert.ok(sameId(claims.sub, user.id), `sub ${claims.sub}, user id ${user.id}`);
      assert.equal(claims.sid, user.session.session_id);
      assert.equal(claims.role, 'customer');
      assert.equal(typeof claims.jti, 'string');
      assert.ok(claims.jti.length >= 16);
      for (const c of ['iat', 'nbf', 'exp']) assertTimestamp(claims[c], c);
      assert.equal((Date.parse(claims.exp) - Date.parse(claims.iat)) / 1000, 900, 'not a 15-minute token');
      assert.ok(Math.abs(Date.parse(claims.iat) - Date.now()) < 120_000, `iat ${claims.iat} is not now`);
      const again = decodeToken((await login(base, user.email, user.password, ip)).access_token).payload;
      assert.notEqual(again.jti, claims.jti, 'jti repeats');
    });

    it('no token or a malformed Authorization header: 401 with WWW-Authenticate: Bearer', async () => {
      expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { ip }), 'no Authorization');
      const headers = [
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNzd29yZA==',
        'Bearer garbage',
        `Bearer ${user.token} extra`,
        `Bearer ${user.token}.`,
        `Token ${user.token}`,
        user.token,
      ];
      for (const authorization of headers) {
        const res = await api(base, 'GET', '/api/v1/me', { ip, headers: { authorization } });
        expectUnauthenticated(res, `Authorization: ${authorization.slice(0, 30)}...`);
      }
      expectUnauthenticated(await api(base, 'GET', '/api/v1/admin/users', { ip }), 'admin route without a token');
    });

    it('a flipped character in the signature: 401', async () => {
      const [v, purpose, body, footer] = user.token.split('.');
      for (const offset of [10, 30, 60]) {
        const tampered = [v, purpose, flipChar(body, body.length - offset), footer].join('.');
        assert.notEqual(tampered, user.token);
        expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token: tampered, ip }), `signature flipped at -${offset}`);
      }
      // The untouched token still works: the refusals were about the changes.
      await expectTokenAccepted(base, user.token, ip);
    });

    it('an altered payload under the original signature: 401, on /me and on admin routes alike', async () => {
      const { payload, signature, segments } = decodeToken(user.token);
      const variants = [
        { ...payload, role: 'admin' },
        { ...payload, exp: claimTime(Date.now() + 86_400_000) },
        { ...payload, sub: String(Number(payload.sub) + 1) },
      ];
      for (const altered of variants) {
        const body = Buffer.concat([Buffer.from(JSON.stringify(altered)), signature]).toString('base64url');
        const token = [segments[0], segments[1], body, segments[3]].filter((s) => s !== undefined).join('.');
        expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), `payload ${JSON.stringify(altered).slice(0, 60)}`);
        expectUnauthenticated(await api(base, 'GET', '/api/v1/admin/users', { token, ip }), 'altered token on an admin route');
      }
    });

    it('an altered footer or none: 401', async () => {
      const segments = user.token.split('.');
      const otherKid = Buffer.from(JSON.stringify({ kid: 'k4.pid.' + crypto.randomBytes(33).toString('base64url') })).toString('base64url');
      const cases = {
        'another kid': [...segments.slice(0, 3), otherKid].join('.'),
        'no footer': segments.slice(0, 3).join('.'),
        'empty footer object': [...segments.slice(0, 3), Buffer.from('{}').toString('base64url')].join('.'),
      };
      for (const [what, token] of Object.entries(cases)) {
        expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), what);
      }
    });

    it('other kinds of token are refused: v4.local, v3.public, v2.public, a refresh token', async () => {
      const footer = decodeToken(user.token).segments[3];
      const body = user.token.split('.')[2];
      const cases = {
        'v4.local': `v4.local.${crypto.randomBytes(120).toString('base64url')}.${footer}`,
        'v4.local without footer': `v4.local.${crypto.randomBytes(120).toString('base64url')}`,
        'v3.public': `v3.public.${body}.${footer}`,
        'v2.public': `v2.public.${body}.${footer}`,
        'V4.PUBLIC': `V4.PUBLIC.${body}.${footer}`,
        'the refresh token': user.refresh,
      };
      for (const [what, token] of Object.entries(cases)) {
        expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), what);
      }
    });

    it('refresh refuses access tokens, garbage and missing tokens', async () => {
      expectProblem(await refresh(base, user.token, ip2), 401, 'an access token as refresh token');
      expectProblem(await refresh(base, crypto.randomBytes(32).toString('base64url'), ip2), 401, 'a random refresh token');
      const empty = await api(base, 'POST', '/api/v1/auth/refresh', { body: {}, ip: ip2 });
      assert.ok([400, 401, 422].includes(empty.status), `refresh without a token: ${empty.status} ${empty.text}`);
      expectProblem(empty, empty.status);
    });

    it('logout: 204, the access token is refused at once, the session cannot be refreshed', async () => {
      const session = await login(base, user.email, user.password, ip2);
      const res = await api(base, 'POST', '/api/v1/auth/logout', { token: session.access_token, ip: ip2 });
      expectStatus(res, 204, 'logout');
      assert.equal(res.text, '');
      await expectTokenRefused(base, session.access_token, ip2, 'access token after logout');
      expectProblem(await refresh(base, session.refresh_token, ip2), 401, 'refresh after logout');
      expectUnauthenticated(await api(base, 'POST', '/api/v1/auth/logout', { token: session.access_token, ip: ip2 }), 'logout twice');
      expectUnauthenticated(await api(base, 'POST', '/api/v1/auth/logout', { ip: ip2 }), 'logout without a token');
      // Other sessions of the user live on.
      await expectTokenAccepted(base, user.token, ip2);
    });

    describe('tokens minted with the signing key of the test stack', () => {
      it('the key of BOOKSTORE_TEST_SIGNING_KEY_FILE is a published key', async () => {
        const key = requireSigningKey();
        const keys = await publishedKeys(base, ip);
        assert.ok(
          keys.some((k) => k.paserk === k4PublicOf(key.publicRaw)),
          `${k4PublicOf(key.publicRaw)} is not among ${keys.map((k) => k.paserk)}`,
        );
        const published = keys.find((k) => k.paserk === k4PublicOf(key.publicRaw));
        assert.equal(published.kid, kidOfUser, 'real tokens are signed by another key');
      });

      it('a token minted with the right claims is accepted (so the refusals below mean something)', async () => {
        const token = mint(freshClaims(template));
        assert.ok(verifyV4Public(publicKeyFromRaw(requireSigningKey().publicRaw), token));
        const me = await expectTokenAccepted(base, token, ip, 'a correctly minted token');
        assert.ok(sameId(me.id, user.id));
        // And a real token of the service verifies with the same key: both sides sign the same way.
        assert.ok(verifyV4Public(publicKeyFromRaw(requireSigningKey().publicRaw), user.token), 'real token does not verify');
      });

      const now = () => Date.now();
      const refusals = {
        expired: () => ({ ...freshClaims(template), iat: claimTime(now() - 960_000), nbf: claimTime(now() - 960_000), exp: claimTime(now() - 60_000) }),
        'expired a few seconds ago': () => ({ ...freshClaims(template), iat: claimTime(now() - 905_000), nbf: claimTime(now() - 905_000), exp: claimTime(now() - 5_000) }),
        'not yet valid (nbf in 5 minutes)': () => ({ ...freshClaims(template), nbf: claimTime(now() + 300_000) }),
        'issued in the future (iat in 5 minutes)': () => ({ ...freshClaims(template), iat: claimTime(now() + 300_000) }),
        'wrong audience': () => ({ ...freshClaims(template), aud: 'another-api' }),
        'wrong issuer': () => ({ ...freshClaims(template), iss: 'https://evil.example' }),
        'audience as a list': () => ({ ...freshClaims(template), aud: [template.aud] }),
        'exp as a number': () => ({ ...freshClaims(template), exp: Math.floor(now() / 1000) + 600 }),
        'exp not a time': () => ({ ...freshClaims(template), exp: 'tomorrow' }),
        'empty sub': () => ({ ...freshClaims(template), sub: '' }),
        'an unknown extra claim': () => ({ ...freshClaims(template), admin: true }),
        ...Object.fromEntries(
          CLAIMS.map((c) => [
            `without ${c}`,
            () => {
              const claims = freshClaims(template);
              delete claims[c];
              return claims;
            },
          ]),
        ),
      };
      for (const [what, claims] of Object.entries(refusals)) {
        it(`refused: ${what}`, async () => {
          requireSigningKey();
          const token = mint(claims());
          expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), what);
        });
      }

      it('refused: an unknown kid, no footer, a footer with more than kid, an implicit assertion', async () => {
        requireSigningKey();
        const claims = freshClaims(template);
        const cases = {
          'unknown kid': mint(claims, { footer: JSON.stringify({ kid: 'k4.pid.' + crypto.randomBytes(33).toString('base64url') }) }),
          'no footer': mint(claims, { footer: '' }),
          'footer with more than kid': mint(claims, { footer: JSON.stringify({ kid: kidOfUser, wpk: 'x' }) }),
          'footer not JSON': mint(claims, { footer: 'kid' }),
          'signed with an implicit assertion': mint(claims, { implicit: '{"tenant":"x"}' }),
        };
        for (const [what, token] of Object.entries(cases)) {
          expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), what);
        }
      });

      it('refused: signed by another key under the right kid', async () => {
        requireSigningKey();
        const { privateKey } = crypto.generateKeyPairSync('ed25519');
        const token = mint(freshClaims(template), { key: privateKey });
        expectUnauthenticated(await api(base, 'GET', '/api/v1/me', { token, ip }), 'foreign key');
      });

      it('refused: a well-signed token of a session that was ended', async () => {
        requireSigningKey();
        const session = await login(base, user.email, user.password, ip2);
        const claims = freshClaims(decodeToken(session.access_token).payload);
        await expectTokenAccepted(base, mint(claims), ip2, 'minted token of the live session');
        expectStatus(await api(base, 'POST', '/api/v1/auth/logout', { token: session.access_token, ip: ip2 }), 204);
        await expectTokenRefused(base, mint({ ...claims, jti: crypto.randomUUID() }), ip2, 'minted token of the ended session');
      });
    });
  });
}
