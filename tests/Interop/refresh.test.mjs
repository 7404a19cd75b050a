// The refresh_token grant (RFC 6749 section 6) through oauth4webapi on tokens from a code flow:
// rotation, reuse detection (RFC 9700 section 4.14.2), the refresh limit, and revocation of a refresh
// token revoking the whole grant (RFC 7009 section 2.1).
//
// Reuse is only "reuse" after OAuth:RefreshTokenReuseGrace seconds; the C# InteropTests start the
// gateway with 0. Against a gateway with a grace window, set FASTGATEWAY_REFRESH_REUSE_GRACE to it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as oauth from 'oauth4webapi';
import { discoverServer, createUser, registerClient, authorizationCodeFlow, getBookings, introspectAsResourceServer, insecure } from './gateway.mjs';

const reuseGrace = Number(process.env.FASTGATEWAY_REFRESH_REUSE_GRACE ?? 0);

let gateway;
let user;
before(async () => {
  gateway = await discoverServer();
  user = await createUser();
});

async function refresh({ client, clientAuth }, refreshToken) {
  const response = await oauth.refreshTokenGrantRequest(gateway.as, client, clientAuth, refreshToken, insecure);
  return oauth.processRefreshTokenResponse(gateway.as, client, response);
}

// Introspection is the resource server's job (FASTGATEWAY_CLIENT_ID has the introspection permission); the app's own
// client may not introspect.
function introspect(_app, token) {
  return introspectAsResourceServer(gateway, token);
}

async function assertWorks(accessToken) {
  const response = await getBookings(gateway, accessToken);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).received_identity.owner, user.username);
}

function assertInvalidGrant(promise) {
  return assert.rejects(promise, (error) => {
    assert.ok(error instanceof oauth.ResponseBodyError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.error, 'invalid_grant');
    return true;
  });
}

function assertTokenRefused(promise) {
  return assert.rejects(promise, (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.cause[0].parameters.error, 'invalid_token');
    return true;
  });
}

const refreshable = { grantTypes: ['authorization_code', 'refresh_token'] };

test('refresh rotates the pair; the old refresh token presented again revokes the grant', async () => {
  const app = await registerClient({ ...refreshable, refreshLimit: 3 });
  const { tokens: first } = await authorizationCodeFlow(gateway, app, user, 'view book');
  assert.ok(first.refresh_token, 'a client with refresh_limit gets a refresh token');

  const second = await refresh(app, first.refresh_token);
  assert.notEqual(second.access_token, first.access_token);
  assert.ok(second.refresh_token && second.refresh_token !== first.refresh_token, 'the refresh token rotates');
  assert.equal(second.scope, 'view book');
  await assertWorks(second.access_token);

  if (reuseGrace > 0) {
    await sleep((reuseGrace + 1) * 1000);
  }
  await assertInvalidGrant(refresh(app, first.refresh_token));

  // Reuse detection: the whole family is revoked, the legitimate holder's tokens included.
  await assertTokenRefused(getBookings(gateway, second.access_token));
  assert.equal((await introspect(app, second.access_token)).active, false);
  await assertInvalidGrant(refresh(app, second.refresh_token));
});

test('public client (none) refreshes with client_id alone', async () => {
  const app = await registerClient({ ...refreshable, refreshLimit: 1, publicClient: true });
  const { tokens } = await authorizationCodeFlow(gateway, app, user, 'view');

  const refreshed = await refresh(app, tokens.refresh_token);
  assert.equal(refreshed.scope, 'view');
  await assertWorks(refreshed.access_token);
});

test('refresh_limit 1: the second refresh is refused, and the grant is kept', async () => {
  const app = await registerClient({ ...refreshable, refreshLimit: 1 });
  const { tokens } = await authorizationCodeFlow(gateway, app, user, 'view');

  const refreshed = await refresh(app, tokens.refresh_token);
  await assertInvalidGrant(refresh(app, refreshed.refresh_token));
  await assertWorks(refreshed.access_token);
});

test('introspection shows the user; revoking the refresh token revokes the access token too', async () => {
  const app = await registerClient({ ...refreshable, refreshLimit: 2 });
  const { tokens } = await authorizationCodeFlow(gateway, app, user, 'view');

  const claims = await introspect(app, tokens.access_token);
  assert.equal(claims.active, true);
  assert.equal(claims.username, user.username);

  const response = await oauth.revocationRequest(gateway.as, app.client, app.clientAuth, tokens.refresh_token, {
    ...insecure,
    additionalParameters: { token_type_hint: 'refresh_token' },
  });
  await oauth.processRevocationResponse(response);

  assert.deepEqual(await introspect(app, tokens.access_token), { active: false });
  await assertTokenRefused(getBookings(gateway, tokens.access_token));
  await assertInvalidGrant(refresh(app, tokens.refresh_token));
});
