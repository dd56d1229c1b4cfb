import re

import pytest

from analyzer.structure.headings import _BODY_SEARCH, body_start


def regex_body_start(text, start, heading, end):
    """The definition: the heading's words, any case, separated by anything but letters and digits."""
    words = [re.escape(w) for w in re.findall(r"[A-Za-z0-9]+", heading)]
    if not words:
        return start
    m = re.compile(r"[^A-Za-z0-9]+".join(words), re.I).search(text, start, min(end, start + _BODY_SEARCH + len(heading)))
    return m.end() if m else start


CASES = [
    ("7.2 Right of First Refusal. The Company", 0, "Right of First Refusal"),
    ("7.2 RIGHT-OF-FIRST\nREFUSAL: The Company", 0, "Right of First Refusal"),
    ("Determination of the Term. Text", 0, "Term"),            # one word: anywhere, inside a longer word too
    ("Sub-Licensing Rights apply", 0, "Licensing Rights"),    # the first word may end a longer word
    ("Governing Lawyers and Governing Law.", 0, "Governing Law"),  # the last word may begin a longer word
    ("Governing Lawful Law", 0, "Governing Lawful"),
    ("Term ination", 0, "Termination"),
    ("Confıdentiality. ſecret \u212anow-how İP", 0, "Confidentiality"),  # letters IGNORECASE folds to ASCII
    ("Secret \u212aNOW HOW", 0, "secret know how"),
    ("Right ofFirst Refusal; Right of First Refusal.", 0, "Right of First Refusal"),
    ("x" * 400 + "Term", 0, "Term"),                          # past the window
    ("Term", 3, "Term"),
    ("abc Term", 0, "—"),                                     # no words
    ("Payment Terms", 10, "Payment"),                        # start past the words
]


@pytest.mark.parametrize("text, start, heading", CASES)
def test_body_start_matches_its_regex_definition(text, start, heading):
    for end in (len(text), start, start + 6, len(text) + 10):
        assert body_start(text, start, heading, end) == regex_body_start(text, start, heading, end)
