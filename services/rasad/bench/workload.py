"""The benchmark's articles (pure): the corpus articles with varied ids, sources and dates plus
lightly edited variants, and short distinct reports that make one weapon spike."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "articles"
SOURCES = tuple(f"wire-{i}" for i in range(9))
#: Weapons absent from the corpus; each spike names one of them in Arabic, a different one per
#: spike (a key that fired stays active for an hour and would not fire again).
SPIKE_WEAPONS = (
    ("shilka", "شيلكا"),
    ("verba", "فيربا"),
    ("igla", "إيغلا"),
    ("tunguska", "تونغوسكا"),
    ("strela-10", "ستريلا-10"),
    ("nasams", "ناسامز"),
    ("stinger", "ستينغر"),
    ("iris-t", "إيريس-تي"),
    ("samp-t", "سامب-تي"),
    ("bavar-373", "باور-373"),
    ("hq-9", "إتش كيو-9"),
    ("tor-m1", "تور-إم1"),
    ("s-500", "إس-500"),
    ("c-ram", "سي-رام"),
    ("avenger", "أفينجر"),
    ("thaad", "ثاد"),
)
FILLER = [
    "أعلنت",
    "مصادر",
    "محلية",
    "أن",
    "القوات",
    "المنتشرة",
    "في",
    "المنطقة",
    "رصدت",
    "تحركات",
    "جديدة",
    "قرب",
    "الحدود",
    "الشمالية",
    "وقال",
    "مسؤول",
    "عسكري",
    "إن",
    "الوحدات",
    "تلقت",
    "تعزيزات",
    "إضافية",
    "خلال",
    "الأيام",
    "الماضية",
    "بينما",
    "تواصل",
    "اللجان",
    "الفنية",
    "مراجعة",
    "الخطط",
    "الدفاعية",
    "ورفع",
    "الجاهزية",
    "في",
    "المطارات",
    "والموانئ",
    "والمنشآت",
    "الحيوية",
    "وأضاف",
    "المتحدث",
    "أن",
    "الاجتماعات",
    "ستستمر",
    "الأسبوع",
    "المقبل",
    "لبحث",
    "الاحتياجات",
    "وتنسيق",
    "المواقف",
    "مع",
    "الشركاء",
]


@dataclass(frozen=True)
class Sample:
    text: str
    title: str | None
    lang: str | None


def load_corpus(folder: Path = CORPUS) -> list[Sample]:
    """Every article of the ``*.jsonl`` files of the corpus folder."""
    samples = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                samples.append(Sample(data["text"], data.get("title"), data.get("lang")))
    return samples


def variant(text: str, n: int) -> str:
    """A light edit (one word dropped, an attribution prefix) of a text: a near-duplicate."""
    words = text.split()
    if len(words) > 3:
        del words[n % len(words)]
    return ("نقلا عن وكالات: " if n % 2 else "") + " ".join(words)


def articles(corpus: list[Sample], count: int, tag: str, seed: int = 7) -> Iterator[dict[str, object]]:
    """``count`` request bodies for the ingest API: corpus articles, varied (id, source,
    published a few minutes ago) and mostly edited variants."""
    rng = random.Random(seed)
    for n in range(count):
        sample = corpus[n % len(corpus)]
        body: dict[str, object] = {
            "id": f"{tag}-{n:06d}",
            "text": sample.text if n < len(corpus) else variant(sample.text, rng.randrange(1 << 16)),
            "source": SOURCES[n % len(SOURCES)],
        }
        if sample.title:
            body["title"] = sample.title
        if sample.lang:
            body["lang"] = sample.lang
        yield body


def spike_report(weapon_ar: str, n: int, tag: str, seed: int) -> dict[str, object]:
    """A short report naming the weapon; its filler differs from every other one (its own story)."""
    rng = random.Random(f"{seed}-{n}")
    words = rng.sample(FILLER, 24)
    words.insert(12, f"منظومة {weapon_ar}")
    return {
        "id": f"{tag}-spike-{n:03d}",
        "text": " ".join(words) + ".",
        "source": SOURCES[n % 3],
        "lang": "ar",
    }
