"""Chinese sentences: ``spacy.blank("zh")`` with the jieba word segmenter (its dictionary ships in
the package; nothing is downloaded) and the sentencizer, which ends a sentence at 。！？ (and ! ?).

Words rather than characters keep a number such as "3.2" or "1.5" in one token, so a clause
reference or an amount inside a Chinese sentence does not end it. The segmenter loads its
dictionary once per process, on the first Chinese text that needs splitting; jieba's own log
lines are kept out of the output.

The English pipeline keeps a run of Chinese characters as one token, so it cannot see a "。"
inside it. Every sentence it returns that holds Chinese text with a sentence end before its
last character is split again here; a sentence also ends at a line break after a sentence end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

import spacy

from analyzer.core.cjk import SENTENCE_END, has_cjk
from analyzer.core.schema import Sentence

SEGMENTER = "jieba"


def _quiet_jieba() -> None:
    """Drop jieba's own stderr handler ("Building prefix dict ...") and pass only its warnings and
    errors on to the application's logging."""
    import jieba

    logger = logging.getLogger("jieba")
    handler = getattr(jieba, "log_console", None)
    if handler is not None:
        logger.removeHandler(handler)
    logger.setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def chinese_nlp():
    """``spacy.blank("zh")`` with the jieba segmenter + a sentencizer that ends sentences at
    ``SENTENCE_END`` only."""
    _quiet_jieba()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": SEGMENTER}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": list(SENTENCE_END)})
    nlp.max_length = 10_000_000
    return nlp


def split_span(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Chinese sentence spans in ``text[start:end]`` (trimmed, half-open, offsets into ``text``)."""
    out: list[tuple[int, int]] = []
    piece = text[start:end]
    doc = chinese_nlp()(piece)
    for sent in doc.sents:
        s, e = start + sent.start_char, start + sent.end_char
        # a line break after a sentence end also ends the sentence (one paragraph per line)
        cut = s
        for i in range(s, e - 1):
            if text[i] == "\n" and i > cut and text[i - 1] in SENTENCE_END:
                out.append((cut, i))
                cut = i + 1
        out.append((cut, e))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _needs_split(text: str, start: int, end: int) -> bool:
    inner = text[start:end - 1]
    return has_cjk(inner) and any(ch in inner for ch in SENTENCE_END)


def split_chinese(text: str, sentences: list[Sentence], clause_of: Callable[[int, int], str | None]) -> list[Sentence]:
    """``sentences`` with each Chinese sentence that holds several split into them."""
    out: list[Sentence] = []
    for sent in sentences:
        if not _needs_split(text, sent.start, sent.end):
            out.append(sent)
            continue
        for s, e in split_span(text, sent.start, sent.end):
            out.append(Sentence(start=s, end=e, clause_id=clause_of(s, e)))
    return out
