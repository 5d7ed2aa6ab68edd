"""The Redis key layout of the rolling counts: every key the counting layer writes or reads.

All keys start with the service's ``key_prefix`` (``RASAD_KEY_PREFIX``, default ``rasad:``)
followed by ``c:``. ``{res}`` is ``m`` (minute buckets) or ``h`` (hour buckets), ``{bucket}``
the bucket's start in epoch seconds, ``{kind}`` one of entity, weapon, keyword, event, pair.

========================================  ======  ==========================================
key                                       type    content
========================================  ======  ==========================================
``c:am:{article_id}``                     hash    marks of one article: field ``*`` (the
                                                  article was counted; value its event ms)
                                                  and one field ``{kind}\\x1f{key}`` per key
                                                  it was counted under
``c:sm:{story_id}``                       hash    the same marks for one story
``c:t:{res}:{bucket}``                    hash    totals of the bucket: ``articles`` and
                                                  ``stories`` (first seen in the bucket)
``c:n:{res}:{bucket}:{kind}:a``           zset    key -> articles counted in the bucket
``c:n:{res}:{bucket}:{kind}:s``           zset    key -> stories first seen with the key in
                                                  the bucket (a story counts once per key)
``c:s:{res}:{bucket}:{kind}:{key}``       set     sources of the key's articles in the bucket
``c:e:{kind}:{key}``                      zset    evidence: JSON ``[article_id, title]`` ->
                                                  event ms, the most recent few new stories
``c:nm:{kind}``                           hash    key -> display name
``c:x:{token}``                           zset    scratch union for a top-N read (60 s TTL)
========================================  ======  ==========================================

Exactly once: one Lua script (``record.lua``) does, for one article, ``HSETNX`` of the
article mark and of each (article x key) and (story x key) mark, and increments only what a
new mark allows, in the same atomic call. The marks are fields of one hash per article and
one per story rather than one string key per pair: the same set-if-absent semantics as
``SET NX`` at a fraction of the memory. Redelivery and restarts hit the marks and count
nothing twice.

Memory is bounded by expiry times, set from event time: a bucket key expires when its
bucket is no longer kept (see :mod:`rasad.counting.buckets`); marks, evidence and names are
extended to the expiry of the newest hour bucket they served. Articles whose hour bucket has
already expired are not counted at all. Redis 7.0 or newer is required (``PEXPIRETIME``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rasad.counting.buckets import Resolution

SEEN_FIELD = "*"
FIELD_SEPARATOR = "\x1f"
ARTICLES = "a"
STORIES = "s"


def mark_field(kind: str, key: str) -> str:
    return f"{kind}{FIELD_SEPARATOR}{key}"


@dataclass(frozen=True)
class KeyLayout:
    prefix: str = "rasad:"

    @cached_property
    def root(self) -> str:
        return f"{self.prefix}c:"

    def article_marks(self, article_id: str) -> str:
        return f"{self.root}am:{article_id}"

    def story_marks(self, story_id: str) -> str:
        return f"{self.root}sm:{story_id}"

    def totals(self, resolution: Resolution, bucket: int) -> str:
        return f"{self.root}t:{resolution.name}:{bucket}"

    def counts(self, resolution: Resolution, bucket: int, kind: str, measure: str) -> str:
        return f"{self.root}n:{resolution.name}:{bucket}:{kind}:{measure}"

    def sources(self, resolution: Resolution, bucket: int, kind: str, key: str) -> str:
        return f"{self.root}s:{resolution.name}:{bucket}:{kind}:{key}"

    def evidence(self, kind: str, key: str) -> str:
        return f"{self.root}e:{kind}:{key}"

    def names(self, kind: str) -> str:
        return f"{self.root}nm:{kind}"

    def scratch(self, token: str) -> str:
        return f"{self.root}x:{token}"

    def pattern(self) -> str:
        """A SCAN pattern matching every key of this layout."""
        return f"{self.root}*"
