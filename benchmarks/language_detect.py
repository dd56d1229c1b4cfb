"""Language tags of text blocks: the script-ratio rule (``analyzer.core.cjk.language_of``) against
py3langid (a maintained statistical detector, if installed), on labelled pieces of the samples.

Gold set (built from the sample sources, no model involved):

- ``zh``: the Chinese clauses of ``tests/data/zh/*.jsonl``, the Chinese column of
  ``samples/src/bilingual_license.txt`` and the lines of ``samples/src/zh_jv_contract.txt``;
- ``en``: the English column of the bilingual licence and the lines of the English samples;
- ``mixed``: an English cell and its Chinese cell on one line, as a PDF read across a two-column
  table gives them.

Short pieces (a number, "ARTICLE 1 DEFINITIONS") are kept: blocks are often that short. py3langid
cannot answer ``mixed`` and answers other languages than en/zh; both count as errors.

Run: ``python benchmarks/language_detect.py``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gold() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in sorted((ROOT / "tests" / "data" / "zh").glob("*.jsonl")):
        out += [(json.loads(x)["text"], "zh") for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    for line in (ROOT / "samples" / "src" / "bilingual_license.txt").read_text(encoding="utf-8").splitlines():
        body = re.sub(r"^(?:= |% |\| |## )", "", line)
        en, _, zh = body.partition(" || ")
        en, zh = en.strip(), zh.strip()
        if "/" in en and re.search(r"[\u4e00-\u9fff]", en):
            out.append((en, "mixed"))  # "For X (Licensor) / 许可方：…"
            en = ""
        if en:
            out.append((en, "en"))
        if zh:
            out.append((zh, "zh"))
        if en and zh and len(en) > 40:
            out.append((f"{en} {zh}", "mixed"))
    for line in (ROOT / "samples" / "src" / "zh_jv_contract.txt").read_text(encoding="utf-8").splitlines():
        body = re.sub(r"^(?:= |% |# |## |\. )", "", line).strip()
        if body:
            out.append((body, "zh"))
    for name in ("tech_license.txt", "jv_agreement.txt", "mutual_nda.txt", "rd_collaboration.txt"):
        for line in (ROOT / "samples" / "src" / name).read_text(encoding="utf-8").splitlines():
            body = re.sub(r"^(?:= |% |# |## |### |\.\. |\. |\* |> |\| )", "", line).strip()
            body = re.sub(r"\*\*|\{[-+]|[-+]\}|<<|>>|\|\|.*?(?=>>|$)", "", body)
            if re.search(r"[A-Za-z]", body):
                out.append((body, "en"))
    return out


def script_ratio(text: str) -> str:
    from analyzer.core.cjk import language_of

    return language_of(text) or "none"


def langid(text: str) -> str:
    import py3langid

    lang, _ = py3langid.classify(text)
    return lang


def score(items, fn) -> tuple[float, dict[str, tuple[int, int]], float]:
    per: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    for text, want in items:
        got = fn(text)
        row = per.setdefault(want, [0, 0])
        row[1] += 1
        row[0] += got == want
    dt = time.perf_counter() - t0
    right = sum(r[0] for r in per.values())
    return right / len(items), {k: (v[0], v[1]) for k, v in per.items()}, dt


def main() -> None:
    items = gold()
    print(f"{len(items)} pieces: " + ", ".join(f"{k} {sum(1 for _, g in items if g == k)}" for k in ("en", "zh", "mixed")))
    detectors = [("script ratio", script_ratio)]
    try:
        import py3langid  # noqa: F401

        detectors.append(("py3langid", langid))
    except ImportError:
        print("py3langid not installed: only the script ratio is measured")
    for name, fn in detectors:
        acc, per, dt = score(items, fn)
        parts = ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(per.items()))
        print(f"{name:13s} accuracy {acc:.3f} ({parts}); {1000 * dt / len(items):.3f} ms per piece")


if __name__ == "__main__":
    main()
