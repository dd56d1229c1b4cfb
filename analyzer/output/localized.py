"""Reports in Chinese (``--lang zh``): findings' messages, rationales and suggested language from
their Chinese fields, and the memo's fixed wording (headings, field names) in Chinese.

``localize_report`` swaps each finding's English text for its Chinese text where the finding has
one (``Finding.message_zh``, ``rationale_zh``, ``Suggestion.text_zh``); what has no Chinese stays
in English. ``render_lang`` renders the swapped report with ``analyzer.output.render`` and puts the
memo's fixed wording in Chinese. The JSON report keeps both languages side by side and is the same
for either ``lang``.
"""

from __future__ import annotations

import re

from analyzer.core.schema import Report

LANGS = ("en", "zh")

# the memo's fixed wording: (English as the renderer writes it, Chinese)
PHRASES_ZH = (
    ("Contract review: ", "合同审查："),
    ("Executive summary", "摘要"),
    ("Findings by severity", "按严重程度排列的审查意见"),
    ("Why it matters:", "理由："),
    ("Suggested (insert)", "建议条款（插入）"),
    ("Suggested (replace)", "建议条款（替换）"),
    ("Suggested (delete)", "建议（删除）"),
    ("Suggested language rejected; the clause stays as it is", "建议条款未被采纳，条款保持不变"),
    ("Agreement type:", "合同类型："),
    ("Playbook:", "审查手册："),
    ("Format:", "格式："),
    ("Parties:", "当事方："),
    ("Status:", "状态："),
    ("Clauses", "条款"),
    ("Not applied (the contract grants no licence):", "未适用（合同未授予许可）："),
    ("Suggested overlays (not applied):", "建议启用的司法辖区规则（未启用）："),
    ("Overlays:", "已启用的司法辖区规则："),
    ("rules whose conditions the contract does not meet:", "合同不满足其适用条件的规则："),
    ("Check:", "请核实："),
)
_SEVERITY_ZH = {"HIGH": "高", "MEDIUM": "中", "LOW": "低"}
_KIND_ZH = {"missing": "缺失", "deviation": "偏离", "risk": "风险"}
_COUNT = re.compile(r"(\d+) finding\(s\): (\d+) high, (\d+) medium, (\d+) low")
_FINDING_HEAD = re.compile(r"\[(HIGH|MEDIUM|LOW)\\?\] (missing|deviation|risk):")


def localize_report(report: Report, lang: str = "en") -> Report:
    """A copy of ``report`` whose findings speak ``lang`` where they can (see the module doc)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if lang == "en":
        return report
    findings = []
    for f in report.findings:
        update = {}
        if f.message_zh:
            update["message"] = f.message_zh
        if f.rationale_zh:
            update["rationale"] = f.rationale_zh
        s = f.suggestion
        if s is not None and s.text_zh:
            update["suggestion"] = s.model_copy(update={"text": s.text_zh, "fallback_text": s.fallback_text_zh or s.fallback_text})
        findings.append(f.model_copy(update=update) if update else f)
    return report.model_copy(update={"findings": findings})


def _fixed_wording_zh(out: str) -> str:
    for en, zh in PHRASES_ZH:
        out = out.replace(en, zh)
        if "(" in en:  # Markdown escapes the brackets
            out = out.replace(en.replace("(", "\\(").replace(")", "\\)"), zh)
    out = _COUNT.sub(lambda m: f"共{m.group(1)}条审查意见：高{m.group(2)}条，中{m.group(3)}条，低{m.group(4)}条", out)
    out = _FINDING_HEAD.sub(lambda m: f"[{_SEVERITY_ZH[m.group(1)]}\\] {_KIND_ZH[m.group(2)]}:"
                            if m.group(0).count("\\") else f"[{_SEVERITY_ZH[m.group(1)]}] {_KIND_ZH[m.group(2)]}:", out)
    return out


def render_lang(report: Report, fmt: str = "json", lang: str = "en", review=None) -> str:
    """``render(report, fmt, review)`` in ``lang``: the JSON report is the same in every language; the
    memo (md, html) shows the findings' Chinese text and the fixed wording in Chinese for ``zh``.
    ``review`` (the reviewer's decisions) is passed to the renderer unchanged."""
    from analyzer.output.render import render

    if fmt == "json" or lang == "en":
        localize_report(report, lang)  # checks ``lang``
        return render(report, fmt, review)
    return _fixed_wording_zh(render(localize_report(report, lang), fmt, review))


def messages_in(report: Report, lang: str = "en") -> Report:
    """A copy of ``report`` whose findings' messages and rationales speak ``lang`` where they can; the
    suggested language stays as it is (it is written into the contract, in the contract's language)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if lang == "en":
        return report
    findings = [f.model_copy(update={"message": f.message_zh or f.message, "rationale": f.rationale_zh or f.rationale})
                for f in report.findings]
    return report.model_copy(update={"findings": findings})
