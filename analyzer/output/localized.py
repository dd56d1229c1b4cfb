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
from analyzer.core.taxonomy import AGREEMENT_TYPE_ZH, CATEGORY_ZH
from analyzer.review.localize import PERSPECTIVE_ZH

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
    ("Check: the agreement type is uncertain; confirm it and pick another playbook if it is wrong.",
     "请核实：合同类型不确定；请确认，如有误请另选审查手册。"),
    ("chosen from the agreement type", "按合同类型选择"),
    ("chosen by the user", "由用户选择"),
    ("Check:", "请核实："),
)
_PERSPECTIVE_ZH = {**PERSPECTIVE_ZH, "disclosing_party": "披露方", "receiving_party": "接收方", "provider": "服务商",
                   "customer": "客户", "supplier": "供应商", "buyer": "买方"}
_ROLE_ZH = {**_PERSPECTIVE_ZH, "discloser": "披露方", "recipient": "接收方", "transferor": "转让方",
            "transferee": "受让方", "seller": "卖方"}
_STATUS_ZH = {"success": "成功", "partial_success": "部分成功", "failure": "失败"}
# the reasons an overlay is suggested (``review.overlays.suggest_overlays``), on the suggested-overlays line
_REASONS_ZH = (
    (" is established in China", "设立于中国"), (" is established in the EU", "设立于欧盟"),
    (" is established in the United States", "设立于美国"), ("the governing law is PRC law", "适用中国法律"),
    ("the governing law is the law of a US state", "适用美国某州法律"), ("the governing law is the law of ", "适用法律："),
    ("a Sino-foreign joint venture contract", "中外合资（合作）经营合同"), ("technology origin: ", "技术来源："),
    ("the contract refers to the GDPR", "合同提及GDPR"),
    ("the licensor ", "许可方 "), ("the licensee ", "被许可方 "), ("the transferor ", "转让方 "),
    ("the transferee ", "受让方 "), ("the supplier ", "供应方 "), ("the seller ", "卖方 "), ("the buyer ", "买方 "),
    ("the customer ", "客户 "), ("the recipient ", "接收方 "),
)
_CATEGORY = "|".join(sorted(CATEGORY_ZH, key=len, reverse=True))
_HEAD_CATEGORY = re.compile(rf"((?:缺失|偏离|风险): )({_CATEGORY})\b")
_OUTLINE_CATEGORIES = re.compile(rf"(?m)^(\s*- .* — )((?:(?:{_CATEGORY}), )*(?:{_CATEGORY}))$")
_WHERE = re.compile(r"\\?\(clause ([^)\\]*?)(?:, (p{1,2})\. ([^)\\]+))?\\?\)|\\?\((p{1,2})\. ([^)\\]+)\\?\)")
_TYPE = re.compile(rf"\b({'|'.join(AGREEMENT_TYPE_ZH)})\b(?= \\?\(| \d\.\d\d|$)")
_PLAYBOOK_PERSPECTIVE = re.compile(r"(, )?perspective: (\w+)")
_STATUS_LINE = re.compile(r"(状态：\W*)(success|partial_success|failure)\b")
_CHARS = re.compile(r"(\d[\d,]*) characters")
_PAGES = re.compile(r"(\d+) pages?, ?")
_ROLE = re.compile(r"\\?\((licensor|licensee|partner|disclosing_party|receiving_party|provider|customer|supplier|buyer|"
                   r"discloser|recipient|transferor|transferee|seller)\\?\)")
_CHECK_FINDING = re.compile(r"请核实： an uncertain finding \\?\(confidence (\d\.\d\d)\\?\); confirm it against the text\.")
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
    out = _HEAD_CATEGORY.sub(lambda m: m.group(1) + CATEGORY_ZH[m.group(2)], out)
    out = _OUTLINE_CATEGORIES.sub(lambda m: m.group(1) + "、".join(CATEGORY_ZH[c] for c in m.group(2).split(", ")), out)
    out = _WHERE.sub(_where_zh, out)
    out = _on_lines(out, "合同类型：", lambda line: _TYPE.sub(lambda t: AGREEMENT_TYPE_ZH[t.group(1)], line)
                    .replace("confidence ", "置信度 ").replace("; next: ", "；其次："))
    out = _PLAYBOOK_PERSPECTIVE.sub(lambda m: ("，" if m.group(1) else "") + "审查立场："
                                    + _PERSPECTIVE_ZH.get(m.group(2), m.group(2)), out)
    out = _on_lines(out, "当事方：", lambda line: _ROLE.sub(lambda r: f"（{_ROLE_ZH.get(r.group(1), r.group(1))}）", line))
    out = out.replace("\\(preamble\\)", "（前言）").replace("(preamble)", "（前言）")
    out = _STATUS_LINE.sub(lambda m: m.group(1) + _STATUS_ZH[m.group(2)], out)
    out = _CHARS.sub(r"\1个字符", out)
    out = _PAGES.sub(r"\1页，", out)
    out = _CHECK_FINDING.sub(lambda m: f"请核实：该审查意见把握不大（置信度 {m.group(1)}），请对照原文确认。", out)
    return _on_lines(out, "建议启用的司法辖区规则（未启用）：", lambda line: _replace_all(line, _REASONS_ZH))


def _on_lines(text: str, marker: str, edit) -> str:
    """``text`` with ``edit`` applied to each line that holds ``marker``."""
    return "\n".join(edit(line) if marker in line else line for line in text.split("\n"))


def _replace_all(text: str, pairs) -> str:
    for en, zh in pairs:
        text = text.replace(en, zh)
    return text


def _where_zh(m: re.Match) -> str:
    """" (clause 7.3, p. 4)" -> "（第7.3条，第4页）"."""
    clause, pp, pages = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
    parts = []
    if clause is not None:
        parts.append(f"条款 {clause}")
    if pp:
        parts.append(f"第{pages}页")
    return "（" + "，".join(parts) + "）"


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
