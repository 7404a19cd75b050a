// Shared set-up for every interop flow: read the gateway's address and client from the environment,
// discover the endpoints from its RFC 8414 metadata document with oauth4webapi.
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

/** Discovers the authorization server (RFC 8414) and returns what each flow needs. */
export async function discover() {
  const issuer = new URL(env('FASTGATEWAY_BASE_URL'));
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
  const as = await oauth.processDiscoveryResponse(issuer, response);
  const client = { client_id: env('FASTGATEWAY_CLIENT_ID') };
  const clientSecret = env('FASTGATEWAY_CLIENT_SECRET');
  return {
    as,
    client,
    basic: oauth.ClientSecretBasic(clientSecret),
    post: oauth.ClientSecretPost(clientSecret),
    /** A protected API on the gateway (the Time travels sample). */
    bookingsUrl: new URL('/timetravels/bookings', issuer),
  };
}

/** A client-credentials access token (RFC 6749 section 4.4) through the library. */
export async function clientCredentialsToken({ as, client, basic }, scope = 'view') {
  const response = await oauth.clientCredentialsGrantRequest(as, client, basic, new URLSearchParams({ scope }), insecure);
  return oauth.processClientCredentialsResponse(as, client, response);
}
