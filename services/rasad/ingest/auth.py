"""Bearer-token check for the HTTP API (pure)."""

from __future__ import annotations

import hmac
import ipaddress

from rasad.common.errors import ConfigError
from rasad.common.settings import IngestSettings

LOCAL_HOSTS = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_required(settings: IngestSettings) -> bool:
    """Explicit setting, else required whenever the API listens beyond loopback."""
    if settings.ingest_require_token is not None:
        return settings.ingest_require_token
    return not is_loopback(settings.ingest_host)


def api_token(settings: IngestSettings) -> str | None:
    """The token to enforce (None: open API); refuses to start an unprotected public API."""
    token = settings.ingest_api_token.get_secret_value() if settings.ingest_api_token else None
    if token is None and token_required(settings):
        raise ConfigError(
            f"the ingest API listens on {settings.ingest_host}, beyond loopback: set RASAD_INGEST_API_TOKEN "
            "(or RASAD_INGEST_REQUIRE_TOKEN=false to run it open on purpose)"
        )
    return token or None


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Constant-time comparison of ``Authorization: Bearer <token>``."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode("utf-8"), token.encode("utf-8"))
