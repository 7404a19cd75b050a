// Shared set-up for every interop flow: read the gateway's address and client from the environment,
// discover the endpoints from its RFC 8414 metadata document with oauth4webapi, and (for the
// browser flows) register users and clients through the admin API and play the user's part.
import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';

/** Reads a required environment variable. */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`set ${name} (see README.md)`);
  }
  return value;
}

/** The gateway listens on plain HTTP on loopback in tests: let the library talk to it. */
export const insecure = { [oauth.allowInsecureRequests]: true };

/** Discovers the authorization server (RFC 8414): its metadata and the protected API's URL. */
export async function discoverServer() {
  const issuer = new URL(env('FASTGATEWAY_BASE_URL'));
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
  const as = await oauth.processDiscoveryResponse(issuer, response);
  /** A protected API on the gateway (the Time travels sample). */
  return { as, bookingsUrl: new URL('/timetravels/bookings', issuer) };
}

/** Discovers the authorization server and adds the client given in the environment. */
export async function discover() {
  const server = await discoverServer();
  const client = { client_id: env('FASTGATEWAY_CLIENT_ID') };
  const clientSecret = env('FASTGATEWAY_CLIENT_SECRET');
  return {
    ...server,
    client,
    basic: oauth.ClientSecretBasic(clientSecret),
    post: oauth.ClientSecretPost(clientSecret),
  };
}

/**
 * The resource server's client from the environment (a confidential client_secret_basic client registered with
 * `introspection: true`, as a resource server or a Microgateway is): the only kind of client the gateway lets
 * call the introspection endpoint (RFC 7662 section 2.1).
 */
export function resourceServer() {
  return { client: { client_id: env('FASTGATEWAY_CLIENT_ID') }, clientAuth: oauth.ClientSecretBasic(env('FASTGATEWAY_CLIENT_SECRET')) };
}

/** Introspects a token as the resource server (RFC 7662) through the library. */
export async function introspectAsResourceServer({ as }, token) {
  const { client, clientAuth } = resourceServer();
  const response = await oauth.introspectionRequest(as, client, clientAuth, token, insecure);
  return oauth.processIntrospectionResponse(as, client, response);
}

/** A client-credentials access token (RFC 6749 section 4.4) through the library. */
export async function clientCredentialsToken({ as, client, basic }, scope = 'view') {
  const response = await oauth.clientCredentialsGrantRequest(as, client, basic, new URLSearchParams({ scope }), insecure);
  return oauth.processClientCredentialsResponse(as, client, response);
}

/** GET the protected API with a bearer token; the library throws WWWAuthenticateChallengeError on a 401. */
export function getBookings({ bookingsUrl }, accessToken) {
  return oauth.protectedResourceRequest(accessToken, 'GET', bookingsUrl, new Headers(), null, insecure);
}

/** A name unique to this run (users and clients outlive a test run when the gateway is shared). */
export function uniqueName(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function admin(path, body) {
  const response = await fetch(new URL(path, env('FASTGATEWAY_BASE_URL')), {
    method: 'POST',
    headers: { authorization: `Bearer ${env('FASTGATEWAY_ADMIN_KEY')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}

/** Creates a resource owner with a unique username through the admin API. */
export async function createUser() {
  const user = { username: uniqueName('interop-user'), password: `pw-${randomUUID()}` };
  await admin('/admin/v1/users', user);
  return user;
}

/**
 * Registers a client for browser flows through the admin API (RFC 7591 metadata) and returns the
 * library's view of it: the client, its authentication method and its redirect URI. Nothing has to
 * listen on the redirect URI: the test reads the redirect's Location instead of following it.
 */
export async function registerClient({ publicClient = false, grantTypes = ['authorization_code'], refreshLimit, scope = 'view book', authMethod = 'client_secret_basic' } = {}) {
  const redirectUri = `http://127.0.0.1:9/${uniqueName('callback')}`;
  const method = publicClient ? 'none' : authMethod;
  const created = await admin('/admin/v1/clients', {
    client_name: uniqueName('interop-app'),
    scope,
    redirect_uris: [redirectUri],
    grant_types: grantTypes,
    token_endpoint_auth_method: method,
    ...(refreshLimit === undefined ? {} : { refresh_limit: refreshLimit }),
  });
  const clientAuth = { none: () => oauth.None(), client_secret_basic: () => oauth.ClientSecretBasic(created.client_secret), client_secret_post: () => oauth.ClientSecretPost(created.client_secret) }[method]();
  return { client: { client_id: created.client_id }, clientAuth, redirectUri };
}

function htmlDecode(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, entity) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(entity[1].toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

/** The page's form: its action (absolute) and hidden fields, plus the scope checkboxes offered. */
function parseForm(html, pageUrl) {
  const action = /<form method="post" action="([^"]*)"/.exec(html);
  if (!action) {
    throw new Error(`no form on the page:\n${html}`);
  }
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)]
    .map(([, name, value]) => [htmlDecode(name), htmlDecode(value)]);
  const scopes = [...html.matchAll(/<input type="checkbox" name="scope" value="([^"]*)"/g)].map(([, value]) => htmlDecode(value));
  return { action: new URL(htmlDecode(action[1]), pageUrl), hidden, scopes };
}

/**
 * Plays the user in a browser without one: plain fetch, no redirects followed, cookies carried by hand.
 * Opens the authorization URL, signs in, ticks `scopes` (default: every scope offered) on the consent
 * page and presses Approve. Returns the 303's Location (the callback URL on the redirect URI).
 */
export async function signInAndApprove(authorizationUrl, { username, password }, scopes) {
  const cookies = new Map();
  const send = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  };
  const expectPage = async (response, what) => {
    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(`${what}: expected 200, got ${response.status} ${response.headers.get('location') ?? ''}\n${html}`);
    }
    return html;
  };
  const submit = (form, fields) => {
    const body = new URLSearchParams(form.hidden.filter(([name]) => name !== 'step'));
    for (const [name, value] of fields) body.append(name, value);
    return send(form.action, { method: 'POST', body });
  };

  const signInHtml = await expectPage(await send(authorizationUrl), 'sign-in page');
  const signIn = parseForm(signInHtml, authorizationUrl);
  if (!signIn.hidden.some(([name]) => name === 'request') || !signIn.hidden.some(([name]) => name === 'csrf_token')) {
    throw new Error(`the sign-in form lacks request or csrf_token:\n${signInHtml}`);
  }

  const consentHtml = await expectPage(
    await submit(signIn, [['step', 'signin'], ['username', username], ['password', password]]), 'consent page');
  if (!consentHtml.includes('value="approve"')) {
    throw new Error(`not a consent page (sign-in refused?):\n${consentHtml}`);
  }
  const consent = parseForm(consentHtml, signIn.action);

  const ticked = scopes ?? consent.scopes;
  const result = await submit(consent, [['step', 'approve'], ...ticked.map((scope) => ['scope', scope])]);
  if (result.status !== 303) {
    throw new Error(`approve: expected 303, got ${result.status}\n${await result.text()}`);
  }
  return new URL(result.headers.get('location'));
}

/** An authorization request (RFC 6749 section 4.1.1) with a fresh S256 PKCE verifier (RFC 7636) and state. */
export async function authorizationRequest({ as }, { client, redirectUri }, scope) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorizationUrl = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state,
  })) authorizationUrl.searchParams.set(name, value);
  return { authorizationUrl, codeVerifier, state };
}

/**
 * The whole authorization code flow with S256 PKCE driven by the library: it builds the authorization
 * URL, the test plays the user, the library validates the callback (state) and redeems the code.
 * Returns the token response, the callback parameters and what the exchange needed.
 */
export async function authorizationCodeFlow(gateway, app, user, scope = 'view book') {
  const { as } = gateway;
  const { client, clientAuth, redirectUri } = app;
  const { authorizationUrl, codeVerifier, state } = await authorizationRequest(gateway, app, scope);

  const callbackUrl = await signInAndApprove(authorizationUrl, user, scope.split(' '));
  if (callbackUrl.origin + callbackUrl.pathname !== redirectUri) {
    throw new Error(`redirected to ${callbackUrl}, not to ${redirectUri}`);
  }
  const params = oauth.validateAuthResponse(as, client, callbackUrl, state);

  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, codeVerifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { tokens, params, callbackUrl, state, codeVerifier };
}
