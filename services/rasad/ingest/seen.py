"""The seen-set: which article ids ingest already published, in Redis (``SET NX`` with a TTL)."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from rasad.common.errors import RasadError


class SeenStoreError(RasadError):
    """Redis could not be reached to tell new articles from ones already seen."""


class SeenStore:
    def __init__(self, client: redis.Redis, key_prefix: str, ttl_s: int) -> None:
        self._client = client
        self._prefix = f"{key_prefix}ingest:seen:"
        self._ttl_s = ttl_s

    def key(self, article_id: str) -> str:
        return f"{self._prefix}{article_id}"

    def claim(self, ids: Sequence[str], stamp: str) -> list[bool]:
        """Mark each id seen; True for the ids that were not seen before. Ids must be distinct."""
        if not ids:
            return []
        try:
            pipe = self._client.pipeline(transaction=False)
            for article_id in ids:
                pipe.set(self.key(article_id), stamp, nx=True, ex=self._ttl_s)
            return [bool(result) for result in pipe.execute()]
        except redis.RedisError as exc:
            raise SeenStoreError(f"Redis is unreachable: {exc}") from exc

    def release(self, ids: Sequence[str]) -> None:
        """Forget ids that were claimed but not published, so that a retry publishes them."""
        if ids:
            try:
                self._client.delete(*[self.key(i) for i in ids])
            except redis.RedisError as exc:
                raise SeenStoreError(f"Redis is unreachable: {exc}") from exc

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False
