"""Which stretches of a page are the article's own body.

Real pages carry navigation, breadcrumbs, related headlines with their time stamps, tag lists,
"read also" boxes and comments. The body is found line by line on the original text:

* a *tail marker* (``الموضوعات المتعلقة``, ``كلمات دلالية``, ``Related articles`` ...) at the
  start of a line, or after words that read like a tag list (no sentence punctuation), ends
  the body with its whole line; inside running text it is just a word;
* a *line marker* (``اعلان ممول``, ``Share this``) drops its line when the line is short;
* a line with breadcrumbs (``>``/``|``/``»`` separators), with two or more time stamps (a list of
  related headlines), or that is short (few words, no sentence punctuation) before the first
  real paragraph is page furniture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["body_spans", "lines"]

# Every alternative starts with a digit: the look-ahead lets the scan skip other characters fast.
_TIMESTAMP = re.compile(r"(?=\d)(?:\d{1,2}:\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b(?:19|20)\d{2}\b)")
_CRUMBS = re.compile(r"\s[>|»›]\s.*\s[>|»›]\s|^\s*(?:home|الرئيسية)\s*[>|»›]", re.IGNORECASE)
_SENTENCE = re.compile(r"[.،,:؛;!?؟\"“”«»]")
_WORD = re.compile(r"\w+")
_THREE_WORDS = re.compile(r"\w\W+\w+\W+\w")
MIN_PARAGRAPH_WORDS = 8
MAX_MARKED_LINE_WORDS = 12


def lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` (without its newline)."""
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            out.append((start, len(text)))
            return out
        out.append((start, end))
        start = end + 1


def _furniture(line: str, words: int, *, before_body: bool) -> bool:
    """``words`` is the line's word count, or ``MIN_PARAGRAPH_WORDS`` when it has more."""
    if words == 0:
        return True
    if (">" in line or "|" in line or "»" in line or "›" in line) and _CRUMBS.search(line):
        return True
    if ":" in line or "/" in line:
        stamps = len(_TIMESTAMP.findall(line))
        if stamps >= 3 and len(line.split()) < 40 * stamps:
            return True
    return before_body and words < MIN_PARAGRAPH_WORDS and not _SENTENCE.search(line)


def body_spans(text: str, tail_starts: Sequence[int], line_marks: Sequence[int]) -> list[tuple[int, int]]:
    """The body's stretches of ``text``; ``tail_starts`` and ``line_marks`` are original offsets
    of tail and line markers the automaton found."""
    end_of_body = len(text)
    for pos in sorted(tail_starts):
        line_start = text.rfind("\n", 0, pos) + 1
        head = text[line_start:pos]
        if _THREE_WORDS.search(head) is None or not _SENTENCE.search(head):
            end_of_body = line_start
            break
    marked = set()
    for pos in line_marks:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        if len(_WORD.findall(text[start : end if end >= 0 else len(text)])) < MAX_MARKED_LINE_WORDS:
            marked.add(start)
    spans: list[tuple[int, int]] = []
    before_body = True
    for start, end in lines(text[:end_of_body]):
        if start == end or start in marked:  # an empty line is furniture (no words)
            continue
        line = text[start:end]
        words = min(len(line.split(None, MIN_PARAGRAPH_WORDS)), MIN_PARAGRAPH_WORDS)
        if _furniture(line, words, before_body=before_body):
            continue
        before_body = before_body and words < MIN_PARAGRAPH_WORDS
        if spans and spans[-1][1] + 1 == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
