"""FastGateway driven by Authlib (Debian's python3-authlib), an OAuth 2.0 client library none of us wrote.

Grants: client credentials (client_secret_basic and client_secret_post), password with a confidential client, and
refresh with rotation; introspection (RFC 7662) by a resource server and revocation (RFC 7009), all through Authlib's
requests integration (OAuth2Session) against a running gateway. Each test registers its own users and clients
through the admin API, with names unique to the run.

Environment: FASTGATEWAY_BASE_URL, FASTGATEWAY_ADMIN_KEY. The gateway runs with OAuth:RequireHttps=false and
OAuth:RefreshTokenReuseGrace=0 in front of the Time travels sample. Run: python3 -m unittest -v test_authlib
"""
import os
import unittest
import uuid

# The test gateway listens on plain HTTP on loopback: Authlib refuses that unless told (never in production).
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import requests  # noqa: E402  (Debian's python3-requests, Authlib's transport)
from authlib.integrations.base_client import OAuthError  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402

BASE_URL = os.environ["FASTGATEWAY_BASE_URL"].rstrip("/")
ADMIN_KEY = os.environ["FASTGATEWAY_ADMIN_KEY"]
METADATA = requests.get(f"{BASE_URL}/.well-known/oauth-authorization-server", timeout=30).json()
TOKEN_URL = METADATA["token_endpoint"]
INTROSPECTION_URL = METADATA["introspection_endpoint"]
REVOCATION_URL = METADATA["revocation_endpoint"]
BOOKINGS_URL = f"{BASE_URL}/timetravels/bookings"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def admin_post(path, body):
    response = requests.post(f"{BASE_URL}{path}", json=body, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30)
    if response.status_code != 201:
        raise AssertionError(f"POST {path} answered {response.status_code}: {response.text}")
    return response.json()


def register(**metadata):
    """Registers a confidential client (RFC 7591 metadata) and returns (client_id, client_secret)."""
    created = admin_post("/admin/v1/clients", {"client_name": unique("authlib-app"), **metadata})
    return created["client_id"], created["client_secret"]


def session(client, method="client_secret_basic", **kwargs):
    client_id, client_secret = client
    return OAuth2Session(client_id, client_secret, token_endpoint_auth_method=method, **kwargs)


class ClientCredentialsTests(unittest.TestCase):
    def test_client_secret_basic_token_calls_the_api(self):
        oauth = session(register(scope="view book"), scope="view")
        token = oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        self.assertEqual(token["token_type"], "Bearer")
        self.assertEqual(token["scope"], "view")
        self.assertGreater(token["expires_in"], 0)
        self.assertIsNotNone(token.get("expires_at"))  # Authlib computed it from expires_in
        response = oauth.get(BOOKINGS_URL, timeout=30)  # Authlib adds the bearer token
        self.assertEqual(response.status_code, 200, response.text)

    def test_client_secret_post_client(self):
        oauth = session(register(scope="view", token_endpoint_auth_method="client_secret_post"), method="client_secret_post")
        token = oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        self.assertGreaterEqual(len(token["access_token"]), 43)

    def test_wrong_secret_is_invalid_client(self):
        client_id, _ = register(scope="view")
        oauth = session((client_id, "wrong-secret"))
        with self.assertRaises(OAuthError) as caught:
            oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        self.assertEqual(caught.exception.error, "invalid_client")

    def test_insufficient_scope_is_403(self):
        oauth = session(register(scope="view"), scope="view")
        oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        response = oauth.post(BOOKINGS_URL, json={"passenger": "Marty McFly", "destination": "1955-11-05"}, timeout=30)
        self.assertEqual(response.status_code, 403)
        self.assertIn('error="insufficient_scope"', response.headers["WWW-Authenticate"])


class PasswordAndRefreshTests(unittest.TestCase):
    def setUp(self):
        self.username, self.password = unique("authlib-user"), f"pw-{uuid.uuid4()}"
        admin_post("/admin/v1/users", {"username": self.username, "password": self.password})
        # A confidential client: the password grant is for trusted first-party clients with a secret.
        self.client = register(scope="view book", grant_types=["password", "refresh_token"], refresh_limit=3)

    def test_password_grant_then_refresh_rotates(self):
        oauth = session(self.client, scope="view book")
        first = oauth.fetch_token(TOKEN_URL, username=self.username, password=self.password)
        self.assertEqual(first["scope"], "view book")
        self.assertIn("refresh_token", first)
        self.assertEqual(oauth.get(BOOKINGS_URL, timeout=30).json()["received_identity"]["owner"], self.username)

        second = oauth.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
        self.assertNotEqual(second["access_token"], first["access_token"])
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])  # rotation
        self.assertEqual(oauth.get(BOOKINGS_URL, timeout=30).status_code, 200)

        # The rotated-out refresh token presented again is reuse (RFC 9700 section 4.14.2): invalid_grant.
        with self.assertRaises(OAuthError) as caught:
            session(self.client).refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
        self.assertEqual(caught.exception.error, "invalid_grant")

    def test_wrong_password_is_invalid_grant(self):
        with self.assertRaises(OAuthError) as caught:
            session(self.client).fetch_token(TOKEN_URL, username=self.username, password="not-the-password")
        self.assertEqual(caught.exception.error, "invalid_grant")

    def test_automatic_refresh_when_the_access_token_expired(self):
        client = register(scope="view", grant_types=["password", "refresh_token"], refresh_limit=2, access_token_lifetime=1)
        updated = []
        oauth = session(client, scope="view", token_endpoint=TOKEN_URL, update_token=lambda token, **_: updated.append(token))
        oauth.fetch_token(TOKEN_URL, username=self.username, password=self.password)
        oauth.token["expires_at"] = 1  # long past (0 would read as "unknown"): Authlib refreshes before the call
        self.assertEqual(oauth.get(BOOKINGS_URL, timeout=30).status_code, 200)
        self.assertEqual(len(updated), 1)


class IntrospectionRevocationTests(unittest.TestCase):
    def test_resource_server_introspects_and_client_revokes(self):
        app = session(register(scope="view"), scope="view")
        token = app.fetch_token(TOKEN_URL, grant_type="client_credentials")
        resource_server = session(register(scope="view", introspection=True))

        claims = resource_server.introspect_token(INTROSPECTION_URL, token=token["access_token"]).json()
        self.assertTrue(claims["active"])
        self.assertEqual(claims["client_id"], app.client_id)

        # An ordinary app may not introspect (RFC 7662 section 2.1: the server decides who may).
        refused = app.introspect_token(INTROSPECTION_URL, token=token["access_token"])
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(refused.json()["error"], "unauthorized_client")

        # Another client may not revoke it (RFC 7009 section 2.1) ...
        other = session(register(scope="view"))
        refused = other.revoke_token(REVOCATION_URL, token=token["access_token"], token_type_hint="access_token")
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.json()["error"], "unauthorized_client")
        # ... its own client may.
        revoked = app.revoke_token(REVOCATION_URL, token=token["access_token"], token_type_hint="access_token")
        self.assertEqual(revoked.status_code, 200)
        self.assertEqual(resource_server.introspect_token(INTROSPECTION_URL, token=token["access_token"]).json(), {"active": False})
        self.assertEqual(app.get(BOOKINGS_URL, timeout=30).status_code, 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
