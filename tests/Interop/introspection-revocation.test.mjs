// Introspection (RFC 7662) and revocation (RFC 7009) through oauth4webapi, and the proxy's reaction.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { discover, clientCredentialsToken, registerClient, insecure } from './gateway.mjs';

let gateway;
before(async () => {
  gateway = await discover();
});

async function introspect(token) {
  const { as, client, basic } = gateway;
  const response = await oauth.introspectionRequest(as, client, basic, token, insecure);
  return oauth.processIntrospectionResponse(as, client, response);
}

async function getBookings(token) {
  return oauth.protectedResourceRequest(token, 'GET', gateway.bookingsUrl, new Headers(), null, insecure);
}

test('introspection: an active token has its claims', async () => {
  const token = await clientCredentialsToken(gateway, 'view book');
  const claims = await introspect(token.access_token);
  assert.equal(claims.active, true);
  assert.equal(claims.client_id, gateway.client.client_id);
  assert.equal(claims.sub, gateway.client.client_id);
  assert.equal(claims.scope, 'view book');
  assert.equal(claims.token_type, 'Bearer');
  assert.equal(claims.exp - claims.iat, token.expires_in);
});

test('introspection: an unknown token is inactive', async () => {
  const claims = await introspect('x'.repeat(43));
  assert.deepEqual(claims, { active: false });
});

test('revocation: the token is inactive and refused by the proxy at once', async () => {
  const { as, client, basic } = gateway;
  const token = await clientCredentialsToken(gateway, 'view');
  assert.equal((await getBookings(token.access_token)).status, 200);

  const response = await oauth.revocationRequest(as, client, basic, token.access_token, {
    ...insecure,
    additionalParameters: { token_type_hint: 'access_token' },
  });
  await oauth.processRevocationResponse(response);

  assert.deepEqual(await introspect(token.access_token), { active: false });
  await assert.rejects(getBookings(token.access_token), (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.cause[0].scheme, 'bearer');
    assert.equal(error.cause[0].parameters.error, 'invalid_token');
    return true;
  });
});

test('revocation: an unknown token is still a success', async () => {
  const { as, client, basic } = gateway;
  const response = await oauth.revocationRequest(as, client, basic, 'y'.repeat(43), insecure);
  await oauth.processRevocationResponse(response);
});

test('introspection: a client without the introspection permission is refused (403 unauthorized_client)', async () => {
  const { as } = gateway;
  const token = await clientCredentialsToken(gateway, 'view');
  const app = await registerClient({ grantTypes: ['client_credentials'], scope: 'view' });
  const response = await oauth.introspectionRequest(as, app.client, app.clientAuth, token.access_token, insecure);
  await assert.rejects(oauth.processIntrospectionResponse(as, app.client, response), (error) => {
    assert.ok(error instanceof oauth.ResponseBodyError, String(error));
    assert.equal(error.status, 403);
    assert.equal(error.error, 'unauthorized_client');
    return true;
  });
});

test("revocation: another client's token is refused (RFC 7009 section 2.1) and keeps working", async () => {
  const { as } = gateway;
  const token = await clientCredentialsToken(gateway, 'view');
  const other = await registerClient({ grantTypes: ['client_credentials'], scope: 'view' });
  const response = await oauth.revocationRequest(as, other.client, other.clientAuth, token.access_token, insecure);
  await assert.rejects(oauth.processRevocationResponse(response), (error) => {
    assert.ok(error instanceof oauth.ResponseBodyError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.error, 'unauthorized_client');
    return true;
  });
  assert.equal((await getBookings(token.access_token)).status, 200);
});
