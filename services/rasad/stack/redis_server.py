"""Redis from Debian's ``redis-server``, on a loopback port, data under the state folder."""

from __future__ import annotations

import shutil

from rasad.common.errors import ConfigError
from rasad.stack.settings import StackSettings


def prepare(settings: StackSettings) -> list[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise ConfigError("redis-server is missing: apt-get install redis-server")
    data = (settings.state_dir / "redis").resolve()
    data.mkdir(parents=True, exist_ok=True)
    return [
        binary,
        "--bind",
        settings.host,
        "--port",
        str(settings.redis_port),
        "--dir",
        str(data),
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--maxmemory-policy",
        "noeviction",
    ]


def ready(settings: StackSettings) -> str | None:
    """Redis's version when it answers PING, else None."""
    import redis

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    try:
        if client.ping():
            return str(client.info("server").get("redis_version", "unknown"))
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()
    return None
