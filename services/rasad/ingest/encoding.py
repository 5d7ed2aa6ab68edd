"""Turn a file's bytes into text without ever producing mojibake.

Order: byte-order marks, then strict UTF-8, then charset-normalizer's best guess (it tells
cp1256 / ISO-8859-6 Arabic apart from Latin code pages). Bytes no guess explains, and UTF-8
text that is itself mojibake (UTF-8 once read as cp1252 and saved again), are refused with
a message saying so: the file is reported, not published garbled.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from rasad.common.errors import InputError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_CHAOS = 0.2
MOJIBAKE_CODEPAGES = ("cp1252", "latin-1")
MOJIBAKE_SAMPLE_CHARS = 20_000
# A UTF-8 lead byte read as cp1252/Latin-1, then a continuation byte (0x80-0xBF) read the same way.
MOJIBAKE_PAIR = re.compile(
    "[ÂÃÐÑØÙÚÛ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)
MOJIBAKE_MIN_PAIRS = 3
MOJIBAKE_SHARE = 0.5


class EncodingProblem(InputError):
    """The bytes' encoding could not be determined, or the text is mojibake."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def looks_like_mojibake(text: str) -> bool:
    """True when the text is UTF-8 that was decoded with a Latin code page: either encoding it
    back gives valid UTF-8, or lead bytes of UTF-8 sequences shown as Latin letters (Ø, Ù, Ã ...)
    followed by continuation bytes make up much of its non-ASCII text."""
    sample = text[:MOJIBAKE_SAMPLE_CHARS]
    if sample.isascii():
        return False
    for codepage in MOJIBAKE_CODEPAGES:
        try:
            repaired = sample.encode(codepage).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired != sample:
            return True
    pairs = len(MOJIBAKE_PAIR.findall(sample))
    non_ascii = sum(1 for c in sample if not c.isascii())
    return pairs >= MOJIBAKE_MIN_PAIRS and 2 * pairs / non_ascii >= MOJIBAKE_SHARE


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document; raise :class:`EncodingProblem` rather than guess wrong."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return checked(data.decode(encoding), encoding)
    try:
        return checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data:
        raise EncodingProblem("binary content or UTF-16/32 without a byte-order mark; save it as UTF-8")
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise EncodingProblem(
            f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and no other encoding fits; "
            "save it as UTF-8"
        )
    return checked(str(best), best.encoding)


def checked(text: str, encoding: str) -> Decoded:
    if looks_like_mojibake(text):
        raise EncodingProblem(
            f"decodes as {encoding} but reads as mojibake (UTF-8 that was once read as cp1252); "
            "fix the file's encoding"
        )
    return Decoded(text, encoding)
