// Client credentials (RFC 6749 section 4.4) and a protected API call, through oauth4webapi.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { discover, clientCredentialsToken, registerClient, insecure } from './gateway.mjs';

let gateway;
before(async () => {
  gateway = await discover();
});

test('metadata: every endpoint the flows need is advertised', () => {
  const { as } = gateway;
  assert.equal(new URL(as.issuer).href, new URL(process.env.FASTGATEWAY_BASE_URL).href);
  for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
    assert.ok(as[endpoint], `${endpoint} is missing`);
  }
  assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
  assert.ok(as.grant_types_supported.includes('client_credentials'));
});

test('client credentials with client_secret_basic: token works on the protected API', async () => {
  const token = await clientCredentialsToken(gateway, 'view');
  assert.equal(token.token_type, 'bearer'); // the library lower-cases token_type
  assert.equal(token.scope, 'view');
  assert.ok(token.expires_in > 0);

  const response = await oauth.protectedResourceRequest(token.access_token, 'GET', gateway.bookingsUrl, new Headers(), null, insecure);
  assert.equal(response.status, 200);
});

test('client credentials with client_secret_post (a client registered for it)', async () => {
  const { as } = gateway;
  const { client, clientAuth } = await registerClient({ grantTypes: ['client_credentials'], authMethod: 'client_secret_post', scope: 'view' });
  const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, new URLSearchParams({ scope: 'view' }), insecure);
  const token = await oauth.processClientCredentialsResponse(as, client, response);
  assert.ok(token.access_token.length >= 43);
});

test('a client_secret_basic client sending its right secret in the form is a 401 (token_endpoint_auth_method enforced)', async () => {
  const { as, client, post } = gateway;
  const response = await oauth.clientCredentialsGrantRequest(as, client, post, new URLSearchParams({ scope: 'view' }), insecure);
  await assert.rejects(oauth.processClientCredentialsResponse(as, client, response), (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.cause[0].scheme, 'basic');
    return true;
  });
});

test('a wrong secret (Basic) is a 401 with a Basic challenge, as RFC 6749 section 5.2 requires', async () => {
  const { as, client } = gateway;
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), new URLSearchParams(), insecure);
  // The library reports a 401 carrying WWW-Authenticate as a challenge before looking at the body.
  await assert.rejects(oauth.processClientCredentialsResponse(as, client, response), (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.cause[0].scheme, 'basic');
    return true;
  });
});

test('a wrong secret (post) is a 401 with a Basic challenge too, and an invalid_client body', async () => {
  const { as, client } = gateway;
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('wrong'), new URLSearchParams(), insecure);
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate'), /^Basic realm="FastGateway"/);
  assert.equal((await response.clone().json()).error, 'invalid_client');
  await assert.rejects(oauth.processClientCredentialsResponse(as, client, response), (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    return true;
  });
});
