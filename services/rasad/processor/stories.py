"""Near-duplicate detection: syndicated copies and light rewrites share a story id.

Each article's word shingles are summarised by a MinHash signature (datasketch); the
signature is cut into ``BANDS`` bands of ``ROWS`` rows (locality-sensitive hashing). Two
articles whose shingle sets have Jaccard similarity J share at least one band with
probability 1 - (1 - J^ROWS)^BANDS: about 0.99 at J = 0.8, 0.60 at J = 0.6, 0.05 at J = 0.4.

The band table lives in Redis and is claimed by one Lua script, so the first article of a
story wins every band atomically even when several workers see copies at the same time,
and the table survives restarts. The script also remembers which story each article got,
so a redelivered article gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from datasketch import MinHash

from rasad.common.errors import RasadError

BANDS = 20
ROWS = 6
NUM_PERM = BANDS * ROWS
SHINGLE = 3
SEED = 7
STORY_TTL_SECONDS = 8 * 24 * 3600

_WORD = re.compile(r"\w+", re.UNICODE)


class StoryStoreError(RasadError):
    """The story table could not be read or written."""


@dataclass(frozen=True)
class StoryAssignment:
    story_id: str
    duplicate_of: str | None

    @property
    def is_new_story(self) -> bool:
        return self.duplicate_of is None


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Word n-grams of the text, casefolded; short texts fall back to their words."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < size:
        return {w.encode("utf-8") for w in words}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


#: The seeded permutations, drawn once: a MinHash built from scratch draws them again per article.
_EMPTY = MinHash(num_perm=NUM_PERM, seed=SEED)


def band_keys(text: str) -> list[str]:
    """One hex digest per LSH band of the text's MinHash signature."""
    minhash = _EMPTY.copy()
    minhash.update_batch(list(shingles(text)) or [b""])
    values = minhash.hashvalues
    return [
        f"{band:02d}"
        + hashlib.blake2b(values[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=10).hexdigest()
        for band in range(BANDS)
    ]


# KEYS[1] = article → story key, KEYS[2..] = band keys. ARGV[1] = article id, ARGV[2] = TTL.
# Returns {story_id, duplicate_of or ""}.
_ASSIGN = """
local known = redis.call('GET', KEYS[1])
if known then
  local sep = string.find(known, '|', 1, true)
  return {string.sub(known, 1, sep - 1), string.sub(known, sep + 1)}
end
local story, first = false, false
for i = 2, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner then
    local sep = string.find(owner, '|', 1, true)
    story, first = string.sub(owner, 1, sep - 1), string.sub(owner, sep + 1)
    break
  end
end
local duplicate_of = ''
if story then
  duplicate_of = first
else
  story, first = ARGV[1], ARGV[1]
end
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], story .. '|' .. first, 'NX', 'EX', ARGV[2])
end
redis.call('SET', KEYS[1], story .. '|' .. duplicate_of, 'EX', ARGV[2])
return {story, duplicate_of}
"""


class StoryStore:
    """The shared band table in Redis, under ``<prefix>story:``."""

    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: int = STORY_TTL_SECONDS) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._assign = client.register_script(_ASSIGN)

    def assign(self, article_id: str, text: str) -> StoryAssignment:
        return self.assign_many([(article_id, text)])[0]

    def assign_many(self, articles: Sequence[tuple[str, str]]) -> list[StoryAssignment]:
        """The stories of (article id, text) pairs in order, in one round trip to Redis.

        Each article is claimed by its own script call (atomic), so a copy later in the same
        batch joins the story of an original earlier in it, as it would one at a time.
        """
        if not articles:
            return []
        pipe = self._client.pipeline(transaction=False)
        for article_id, text in articles:
            self._assign(keys=self._keys(article_id, text), args=[article_id, self._ttl], client=pipe)
        try:
            replies = pipe.execute()
        except redis.RedisError as exc:
            raise StoryStoreError(f"story table unavailable: {exc}") from exc
        return [_assignment(reply) for reply in replies]

    def _keys(self, article_id: str, text: str) -> list[str]:
        keys = [f"{self._prefix}story:article:{article_id}"]
        return keys + [f"{self._prefix}story:band:{key}" for key in band_keys(text)]


def _assignment(reply: Sequence[bytes | str]) -> StoryAssignment:
    story_id, duplicate_of = reply
    story = story_id.decode() if isinstance(story_id, bytes) else str(story_id)
    dup = duplicate_of.decode() if isinstance(duplicate_of, bytes) else str(duplicate_of)
    return StoryAssignment(story_id=story, duplicate_of=dup or None)
