"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests.

oidc-provider-mock (a Flask application on Authlib) does the provider's work: discovery, the
authorization page, codes, tokens, JWKS and userinfo, for any client id. It always issues
correct ID tokens, so :class:`Provider` wraps it in a small WSGI layer that can spoil the next
ID token in one way (another audience, another nonce, an expiry in the past): it decodes the
token the mock issued, changes that claim, and signs it again with a test RSA key whose public
half it adds to the provider's JWKS. Everything else stays the mock's, over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import requests
import werkzeug.serving
from cryptography.hazmat.primitives.asymmetric import rsa
from oidc_provider_mock import app as provider_app

TEST_KID = "northline-test-key"


class Provider:
    """The provider's address, its users' claims, and the spoiling of the next ID token."""

    def __init__(self) -> None:
        self.app = provider_app(require_nonce=True)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.spoil: str | None = None
        self.url = ""

    def set_user(self, sub: str, **claims: Any) -> None:
        """The claims the provider gives ``sub`` from its next sign-in on."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def spoiled(self, payload: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        if self.spoil == "audience":
            payload["aud"] = "another-application"
        elif self.spoil == "nonce":
            payload["nonce"] = "not-the-nonce-of-this-sign-in"
        elif self.spoil == "expired":
            payload["iat"] = now - 1200
            payload["exp"] = now - 600
        return payload

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in ("/oauth2/token", "/jwks"):
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        if captured["status"].startswith("200"):
            document = json.loads(body)
            if path == "/jwks":
                public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
                document["keys"].append({**public, "kid": TEST_KID, "alg": "RS256", "use": "sig"})
            elif self.spoil and "id_token" in document:
                payload = jwt.decode(document["id_token"], options={"verify_signature": False})
                document["id_token"] = jwt.encode(
                    self.spoiled(payload), self.key, algorithm="RS256", headers={"kid": TEST_KID}
                )
                self.spoil = None
            body = json.dumps(document).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider, threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
