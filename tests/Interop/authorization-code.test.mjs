// Authorization code with S256 PKCE (RFC 6749 section 4.1, RFC 7636) through oauth4webapi, for a
// confidential and a public client. The library builds the request, checks the callback and redeems
// the code; the test plays the user on the gateway's sign-in and consent pages with plain fetch.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { discoverServer, createUser, registerClient, authorizationRequest, authorizationCodeFlow, signInAndApprove, getBookings, introspectAsResourceServer, insecure } from './gateway.mjs';

let gateway;
let user;
before(async () => {
  gateway = await discoverServer();
  user = await createUser();
});

async function callsApiAs(accessToken, username) {
  const response = await getBookings(gateway, accessToken);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.received_identity.owner, username);
  return body.received_identity;
}

function assertRefused(promise, status, error) {
  return assert.rejects(promise, (thrown) => {
    if (error) {
      assert.ok(thrown instanceof oauth.ResponseBodyError, String(thrown));
      assert.equal(thrown.error, error);
    } else {
      assert.ok(thrown instanceof oauth.WWWAuthenticateChallengeError, String(thrown));
      assert.equal(thrown.cause[0].parameters.error, 'invalid_token');
    }
    assert.equal(thrown.status, status);
    return true;
  });
}

test('confidential client (client_secret_basic): code + PKCE, the token carries the user to the API', async () => {
  const app = await registerClient();
  const { tokens, params, state } = await authorizationCodeFlow(gateway, app, user, 'view book');

  assert.equal(params.get('state'), state);
  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.scope, 'view book');
  assert.ok(tokens.expires_in > 0);
  assert.equal(tokens.refresh_token, undefined, 'no refresh_limit, no refresh token');

  const identity = await callsApiAs(tokens.access_token, user.username);
  assert.equal(identity.client_id, app.client.client_id);
});

test('introspection of a code-flow token names the user', async () => {
  const app = await registerClient();
  const { tokens } = await authorizationCodeFlow(gateway, app, user, 'view');

  // As the resource server would (FASTGATEWAY_CLIENT_ID has the introspection permission; the app has not).
  const claims = await introspectAsResourceServer(gateway, tokens.access_token);
  assert.equal(claims.active, true);
  assert.equal(claims.username, user.username);
  assert.equal(claims.sub, user.username);
  assert.equal(claims.client_id, app.client.client_id);
  assert.equal(claims.scope, 'view');
});

test('public client (none): code + PKCE with client_id alone', async () => {
  const app = await registerClient({ publicClient: true });
  const { tokens } = await authorizationCodeFlow(gateway, app, user, 'view');

  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.scope, 'view');
  await callsApiAs(tokens.access_token, user.username);
});

test('the consent page can narrow the scope: the token has only what the user ticked', async () => {
  const app = await registerClient({ publicClient: true });
  const { authorizationUrl: url, codeVerifier, state } = await authorizationRequest(gateway, app, 'view book');

  const callback = await signInAndApprove(url, user, ['view']);
  const params = oauth.validateAuthResponse(gateway.as, app.client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(gateway.as, app.client, app.clientAuth, params, app.redirectUri, codeVerifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(gateway.as, app.client, response);
  assert.equal(tokens.scope, 'view');
});

test('the library refuses a callback whose state does not match', async () => {
  const app = await registerClient({ publicClient: true });
  const { authorizationUrl: url, state } = await authorizationRequest(gateway, app, 'view');

  const callback = await signInAndApprove(url, user);
  assert.equal(callback.searchParams.get('state'), state);
  assert.throws(() => oauth.validateAuthResponse(gateway.as, app.client, callback, oauth.generateRandomState()),
    (error) => error instanceof oauth.OperationProcessingError && error.code === oauth.INVALID_RESPONSE);
});

test('a wrong PKCE verifier is invalid_grant', async () => {
  const app = await registerClient({ publicClient: true });
  const { authorizationUrl: url, state } = await authorizationRequest(gateway, app, 'view');

  const params = oauth.validateAuthResponse(gateway.as, app.client, await signInAndApprove(url, user), state);
  const response = await oauth.authorizationCodeGrantRequest(gateway.as, app.client, app.clientAuth, params, app.redirectUri,
    oauth.generateRandomCodeVerifier(), insecure);
  await assertRefused(oauth.processAuthorizationCodeResponse(gateway.as, app.client, response), 400, 'invalid_grant');
});

test('a code redeemed twice is invalid_grant and revokes the tokens of the first redemption', async () => {
  const app = await registerClient();
  const { tokens, params, codeVerifier } = await authorizationCodeFlow(gateway, app, user, 'view');
  await callsApiAs(tokens.access_token, user.username);

  const replay = await oauth.authorizationCodeGrantRequest(gateway.as, app.client, app.clientAuth, params, app.redirectUri, codeVerifier, insecure);
  await assertRefused(oauth.processAuthorizationCodeResponse(gateway.as, app.client, replay), 400, 'invalid_grant');
  await assertRefused(getBookings(gateway, tokens.access_token), 401);
});
