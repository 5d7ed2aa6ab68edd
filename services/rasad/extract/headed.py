"""Organizations and places the gazetteer does not know, recognized from the noun that heads
them.

Arabic names its units, agencies and places after a head noun: ``اللواء 45``, ``الفوج 33`` (a
numbered unit), ``وكالة «إنترفاكس»``, ``مجموعة "روستيك"`` (a quoted name), ``كتائب ...``,
``سرايا ...`` (an armed group), ``قضاء القائم``, ``ناحية ...``, ``قرية ...``, ``مدينة ...``
(a place), ``منطقة رميلان`` (a place, only when the name has no article:
``منطقة القصف`` is none); English writes ``the town of Tarmiyah`` and ``the Mashtal neighborhood``. The head
words are data (``data/lexicon/heads.yaml``); the automaton finds them in its one pass and this
module reads the name after (or, for English trailing heads, before) them on the key text.

Guards: the name does not start inside a gazetteer match (the gazetteer knows it better), nor
with a stop word, a title word or a number (except for unit heads, which take only a number);
an Arabic place head without the article (``مدينة``, not ``المدينة``) is followed by one name
word, or by two when the second carries the article (``جرف الصخر``) or the first is a name
joiner (``أبو غريب``); a word ending in the nisba ``ية`` is an adjective (``منطقة حدودية``), not
a name, and neither is a verbal noun of the form تفعيل (``منطقة تخزين``). English name words must
be capitalized in the original.

A place name, and every item of a list, must look like a name: a stop word (function words,
war-report nouns such as ``اشتباكات``, generic land words such as ``الوديان``, adjectives such as
``متعددة``), an imperfect verb (``يسيطرون``, ``تتواجد``), a participle of the forms متفعّلة and
مستفعلة, or a word carrying an object pronoun after a stop word or a preposition (``منها``,
``فيها``) is none.

Two further patterns give organizations: a dual head whose singular is data (``مجلسي الوزراء
والنواب`` → ``مجلس الوزراء``, ``مجلس النواب``), and a local force, a head such as ``شرطة``
before a place the gazetteer knows (``شرطة ديالى``): its id is derived from the head and the
place's Arabic name, so every spelling of the place gives the same id.

The id is derived from the normalized name (``org:اللواء_45``, ``place:القايم``), so every
spelling that normalizes alike, in any article, gets the same id; later mentions of the name
alone (with its proclitics) in the same article link to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rasad.extract.gazetteer import Gazetteer
from rasad.extract.gazetteer import load as load_gazetteer
from rasad.extract.lexicon import Lexicon
from rasad.extract.matcher import Hit, Kind, match_key

__all__ = ["HeadFinder", "Headed", "headed_id"]

_WORD = re.compile(r"\w+")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_GAP = re.compile(r"[ \"'(]*")
_QUOTED = re.compile(r"\s*[\"'](?P<name>[^\"'\n]{2,40}?)\s*[\"']")
_NUMBER = re.compile(r"\s*(\d{1,3})\b")
_CLITICS = ("و", "ف", "ب", "ل", "ك")
_NISBA_ENDINGS = ("يه", "يين", "يون")
# A form II verbal noun (تفعيل: تخزين, تدريب, تجميع) names an activity, not a place.
_VERBAL_NOUN = re.compile(r"^ت\w\w\w?ي\w$")
# Imperfect verbs: plural or dual (يسيطرون, يقاتلان) and forms V, VI, X (تتواجد, يتمركز, يستهدف).
_IMPERFECT = re.compile(r"^(?:[يت]\w{3,}(?:ون|ان)|(?:يت|تت)\w{3,}|(?:يست|تست)\w{2,})$")
# Participles of forms V, VI and X with the feminine ending (متعددة, متفرقة, مستهدفة).
_PARTICIPLE = re.compile(r"^(?:مت|مست)\w{3,}ه$")
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "كم")
# Prepositions as the key text writes them (على → علي, إلى → الي).
_PREPOSITIONS = frozenset({"ب", "ل", "ك", "من", "في", "علي", "عن", "الي", "مع", "عند", "لدي", "بين"})
MAX_WORDS = 3
MAX_LIST = 8
# What joins two names of a list: a comma, or the conjunction و written on the next name.
_LIST_NEXT_AR = re.compile(r"[ ]*(?:[،,][ ]*(?:و(?=\w))?|و(?=\w))")
_LIST_NEXT_EN = re.compile(r"[ ]*(?:,[ ]*(?:and[ ]+)?|and[ ]+)")
MAX_QUOTED_WORDS = 6


@dataclass(frozen=True)
class Headed:
    """A context-recognized organization or place: its canonical name, type, and the spans (in
    the key text) of its mentions."""

    key: str
    name: str
    type: str  # "ORG" or "PLACE"
    start: int
    end: int


def _place_keys(gazetteer: Gazetteer) -> dict[str, str]:
    """Every alias key of the gazetteer's places of one or two words, to the key of the place's
    Arabic name; longest first, so that ``ذي قار`` is tried before a one-word prefix of it."""
    out: dict[str, str] = {}
    for record in gazetteer:
        if record.type != "PLACE" or not record.name_ar:
            continue
        canonical = match_key(record.name_ar)
        for alias in (record.name_ar, *record.aliases_ar):
            key = match_key(alias)
            if 0 < key.count(" ") + 1 <= 2 and _ARABIC.match(key):
                out.setdefault(key, canonical)
    return dict(sorted(out.items(), key=lambda item: -len(item[0])))


def headed_id(entity_type: str, key: str) -> str:
    return ("org:" if entity_type == "ORG" else "place:") + key.replace(" ", "_")


@dataclass(frozen=True)
class HeadFinder:
    stop: frozenset[str]
    joiners: frozenset[str]
    plural: frozenset[str] = frozenset()
    plural_bare: frozenset[str] = frozenset()
    # Dual organization heads to their singular (مجلسي → مجلس), local force heads (شرطة), and
    # the places a local force may follow: each key to the key of the place's Arabic name.
    dual: tuple[tuple[str, str], ...] = ()
    local: frozenset[str] = frozenset()
    places: tuple[tuple[str, str], ...] = ()
    # Place heads a name follows whatever its shape (بلدة, قرى), and every head word.
    named: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()

    @classmethod
    def build(cls, lexicon: Lexicon) -> HeadFinder:
        title_words = {
            word
            for title in (*lexicon.titles.rank, *lexicon.titles.role)
            for word in match_key(title).split(" ")
        }
        stop = frozenset(match_key(w) for w in lexicon.stopwords) | frozenset(title_words)
        stop |= frozenset(match_key(w) for w in lexicon.heads.stop)
        joiners = frozenset(match_key(w) for w in (*lexicon.name_joiners, *lexicon.heads.place_joiners))
        return cls(
            stop=stop,
            joiners=joiners,
            plural=frozenset(match_key(w) for w in lexicon.heads.place_list),
            plural_bare=frozenset(match_key(w) for w in lexicon.heads.place_list_bare),
            dual=tuple((match_key(d), match_key(s)) for d, s in lexicon.heads.org_dual.items()),
            local=frozenset(match_key(w) for w in lexicon.heads.org_local),
            places=tuple(_place_keys(load_gazetteer()).items()) if lexicon.heads.org_local else (),
            named=frozenset(match_key(w) for w in lexicon.heads.place_named),
            heads=frozenset(
                match_key(w)
                for w in (*lexicon.heads.place, *lexicon.heads.place_bare, *lexicon.heads.org)
                if " " not in w
            ),
        )

    def name_like(self, word: str) -> bool:
        """Whether a word may be (the first word of) a place name in a list or after a head."""
        if word in self.stop or _IMPERFECT.match(word) or _PARTICIPLE.match(word):
            return False
        for suffix in _PRONOUN_SUFFIXES:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                if stem in _PREPOSITIONS or stem in self.stop or stem in self.plural | self.plural_bare:
                    return False
        return True

    def find(
        self, keys: str, original: str, index: Sequence[int], hits: Sequence[Hit], covered: object
    ) -> list[Headed]:
        """The organizations and places introduced by the head ``hits`` of ``keys``; ``covered``
        answers ``pos in covered`` for positions inside gazetteer matches."""
        found: list[Headed] = []
        until = -1
        for hit in sorted(hits, key=lambda h: (h.start - len(h.prefix), -(h.end - h.start))):
            if hit.start - len(hit.prefix) < until or hit.start in covered:  # type: ignore[operator]
                continue
            kind = hit.target.kind
            head = keys[hit.start : hit.end]
            if kind in (Kind.HEAD_PLACE, Kind.HEAD_PLACE_BARE) and head in self.plural | self.plural_bare:
                items = self._list(keys, original, index, hit, covered, bare=head in self.plural_bare)
            elif kind == Kind.HEAD_ORG and head in dict(self.dual):
                items = self._dual(keys, hit, covered, dict(self.dual)[head])
            elif kind == Kind.HEAD_ORG and head in self.local:
                items = [self._local(keys, hit)]
            elif kind == Kind.HEAD_UNIT:
                items = [self._unit(keys, hit)]
            elif kind == Kind.HEAD_PLACE_AFTER:
                items = [self._before(keys, original, index, hit, covered)]
            else:
                items = [self._after(keys, original, index, hit, covered)]
            for item in items:
                if item is not None:
                    found.append(item)
                    until = max(item.end, hit.end)
        return found

    def _unit(self, keys: str, hit: Hit) -> Headed | None:
        number = _NUMBER.match(keys, hit.end)
        if number is None:
            return None
        head = keys[hit.start : hit.end]
        head = head if head.startswith("ال") else "ال" + head
        key = f"{head} {number.group(1)}"
        return Headed(key, key, "ORG", hit.start - len(hit.prefix), number.end())

    def _after(
        self, keys: str, original: str, index: Sequence[int], hit: Hit, covered: object
    ) -> Headed | None:
        bare = hit.target.kind == Kind.HEAD_PLACE_BARE
        entity_type = "PLACE" if hit.target.kind == Kind.HEAD_PLACE or bare else "ORG"
        quoted = _QUOTED.match(keys, hit.end)
        if quoted is not None:
            start, end = quoted.span("name")
            if start in covered or len(quoted.group("name").split()) > MAX_QUOTED_WORDS:  # type: ignore[operator]
                return None
            return self._made(keys, original, index, start, end, entity_type)
        if hit.target.kind == Kind.HEAD_ORG_QUOTED:
            return None
        gap = _GAP.match(keys, hit.end)
        pos = gap.end() if gap is not None else hit.end
        if pos == hit.end and pos < len(keys) and keys[pos] != " ":
            return None
        head = keys[hit.start : hit.end]
        words = self._words(keys, original, index, pos, covered, place=entity_type == "PLACE")
        if not words:
            return None
        if hit.target.kind == Kind.HEAD_ORG and not any(w.group().startswith("ال") for w in words):
            return None
        if _ARABIC.match(keys, hit.start) and entity_type == "PLACE":
            if keys[hit.start - len(hit.prefix) : hit.start].endswith("ال") or keys.startswith(
                "ال", hit.start
            ):
                return None
            words = self._place_words(words, named=head in self.named)
            if not words or (bare and words[0].group().startswith("ال")):
                return None
        return self._made(keys, original, index, words[0].start(), words[-1].end(), entity_type)

    def _list(
        self, keys: str, original: str, index: Sequence[int], hit: Hit, covered: object, *, bare: bool
    ) -> list[Headed | None]:
        """Places listed after one plural or dual head: ``بلدات الخيام وعلما الشعب ومروحين``,
        ``بلدتي وادي حسن وشيحين``, ``the villages of Aitaroun, Blida and Mais al-Jabal``. Names
        the gazetteer knows are stepped over and the list goes on after them."""
        if keys[hit.start - len(hit.prefix) : hit.start].endswith("ال") or keys.startswith("ال", hit.start):
            return []
        arabic = _ARABIC.match(keys, hit.start) is not None
        named = keys[hit.start : hit.end] in self.named
        gap = _GAP.match(keys, hit.end)
        pos = gap.end() if gap is not None else hit.end
        items: list[Headed | None] = []
        for _ in range(MAX_LIST):
            if pos in covered:  # type: ignore[operator]
                while pos < len(keys) and (pos in covered or keys[pos].isalnum()):  # type: ignore[operator]
                    pos += 1
            else:
                words = self._words(keys, original, index, pos, covered, listed=bool(items), place=True)
                words = self._place_words(words, named=named) if arabic and words else words
                if not words or (bare and not items and words[0].group().startswith("ال")):
                    break
                items.append(self._made(keys, original, index, words[0].start(), words[-1].end(), "PLACE"))
                pos = words[-1].end()
            following = _LIST_NEXT_AR.match(keys, pos) if arabic else _LIST_NEXT_EN.match(keys, pos)
            if following is None:
                break
            pos = following.end()
        return items

    def _dual(self, keys: str, hit: Hit, covered: object, singular: str) -> list[Headed | None]:
        """Organizations after a dual head: ``مجلسي الوزراء والنواب`` → ``مجلس الوزراء`` and
        ``مجلس النواب``; each name is one definite word, the second after the conjunction."""
        first = self._definite(keys, hit.end + 1, covered)
        if first is None:
            return []
        following = _LIST_NEXT_AR.match(keys, first.end())
        if following is None or keys[following.end() - 1] != "و":
            return []
        second = self._definite(keys, following.end(), covered)
        if second is None:
            return []
        names = [(f"{singular} {word.group()}", word) for word in (first, second)]
        return [Headed(name, name, "ORG", word.start(), word.end()) for name, word in names]

    def _definite(self, keys: str, pos: int, covered: object) -> re.Match[str] | None:
        word = _WORD.match(keys, pos)
        if word is None or word.start() in covered:  # type: ignore[operator]
            return None
        return word if word.group().startswith("ال") and len(word.group()) > 3 else None

    def _local(self, keys: str, hit: Hit) -> Headed | None:
        """A local force: a head before a place the gazetteer knows (``شرطة ديالى``), named
        after the head and the place's Arabic name."""
        if not keys.startswith(" ", hit.end):
            return None
        rest = keys[hit.end + 1 : hit.end + 40]
        head = keys[hit.start : hit.end]
        for place, canonical in self.places:
            if rest.startswith(place) and (len(rest) == len(place) or not rest[len(place)].isalnum()):
                key = f"{head} {canonical}"
                return Headed(key, key, "ORG", hit.start - len(hit.prefix), hit.end + 1 + len(place))
        return None

    def _before(
        self, keys: str, original: str, index: Sequence[int], hit: Hit, covered: object
    ) -> Headed | None:
        """English trailing heads: ``the Mashtal neighborhood``."""
        end = hit.start - len(hit.prefix)
        while end > 0 and keys[end - 1] == " ":
            end -= 1
        start = end
        words = 0
        while start > 0 and words < MAX_WORDS:
            word = re.search(r"(\w+)$", keys[max(0, start - 30) : start])
            if word is None:
                break
            begin = start - len(word.group(1))
            if begin in covered or word.group(1) in self.stop or not original[index[begin]].isupper():  # type: ignore[operator]
                break
            start = begin
            words += 1
            if start == 0 or keys[start - 1] != " ":
                break
            start -= 1
        while start < end and keys[start] == " ":
            start += 1
        if start >= end:
            return None
        return self._made(keys, original, index, start, end, "PLACE")

    def _words(
        self,
        keys: str,
        original: str,
        index: Sequence[int],
        pos: int,
        covered: object,
        *,
        listed: bool = False,
        place: bool = False,
    ) -> list[re.Match[str]]:
        """Up to three name words from ``pos``; ``listed`` names follow a list's conjunction, so a
        first letter like ب is the name's own, not a clitic; after a ``place`` head it is the
        name's own too unless what follows it is no name (``بلدة بادوش``, ``قرية كفرا``; not
        ``بلدة بجنوب لبنان``)."""
        words: list[re.Match[str]] = []
        for match in _WORD.finditer(keys, pos, min(len(keys), pos + 80)):
            gap = keys[(words[-1].end() if words else pos) : match.start()]
            word = match.group()
            if gap.strip() or match.start() in covered or word in self.stop or word.isdigit():  # type: ignore[operator]
                break
            arabic = _ARABIC.match(word) is not None
            capitalized = arabic or original[index[match.start()]].isupper()
            if not capitalized and (not words or word not in self.joiners):
                break
            clitic = arabic and len(word) > 3 and word[0] in _CLITICS and not listed
            if clitic and not words and word not in self.joiners and not (place and self._own_letter(word)):
                break
            words.append(match)
            if len(words) >= MAX_WORDS:
                break
        while words and words[-1].group() in self.joiners:
            words.pop()
        return words

    def _own_letter(self, word: str) -> bool:
        """Whether a first letter that could be a proclitic belongs to a place name: the rest
        is no stop word, no definite noun, no form II verbal noun and no head."""
        rest = word[1:]
        if rest.startswith("ال") or rest in self.stop or rest in self.heads or _VERBAL_NOUN.match(rest):
            return False
        return self.name_like(rest) and not rest.endswith(_NISBA_ENDINGS)

    def _place_words(self, words: list[re.Match[str]], *, named: bool = False) -> list[re.Match[str]]:
        """The words of a place name; after a ``named`` head (a village, a town) the first word
        is a name even when shaped like a nisba adjective or a verbal noun (``بلدة رامية``,
        ``بلدتي تولين وقلاوية``)."""
        first = words[0].group()
        if not named and first.endswith(_NISBA_ENDINGS) and not first.startswith("ال"):
            return []
        if (not named and _VERBAL_NOUN.match(first)) or not self.name_like(first):
            return []
        if len(words) == 1:
            return words
        second = words[1].group()
        if not self.name_like(second):
            return words[:1]
        if first in self.joiners or (not first.startswith("ال") and second.startswith("ال")):
            if second.endswith(_NISBA_ENDINGS):
                return words[:1]
            return words[:2]
        return words[:1]

    def _made(
        self, keys: str, original: str, index: Sequence[int], start: int, end: int, entity_type: str
    ) -> Headed | None:
        key = keys[start:end].strip()
        if len(key) < 3:
            return None
        name = original[index[start] : index[end]].strip()
        return Headed(key, name or key, entity_type, start, end)
