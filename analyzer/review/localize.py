"""Chinese text of findings: message, rationale and suggested language, from the playbook's ``zh``
text (``analyzer.review.playbook.ZhText``).

The message is rebuilt in Chinese from the same parts as the English one: the rule's title, the
failing check's message and the evidence quoted as it stands in the contract. The suggested
language in Chinese is the playbook's Chinese language with the same placeholders filled; where
the playbook has no Chinese for a field the Chinese field stays empty (the memo shows the English).
Findings that already carry Chinese text keep it.
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.cjk import has_cjk
from analyzer.core.schema import Finding, Report
from analyzer.review.jurisdiction import (
    BEIJING,
    CIETAC,
    GENEVA,
    HKIAC,
    HONG_KONG,
    ICC,
    PARIS,
    PRC_COURTS,
    PRC_EXPORT_CONTROL_LAWS,
    PRC_LAW,
    SIAC,
    SINGAPORE,
)
from analyzer.review.placeholders import PLACEHOLDERS, fill, placeholder_values

PERSPECTIVE_ZH = {"licensor": "许可方", "licensee": "被许可方", "partner": "合营方", "neutral": "中立方"}
SNIPPET = 140


def _snippet(text: str, start: int, end: int) -> str:
    t = " ".join(text[start:end].split())
    return t if len(t) <= SNIPPET else t[: SNIPPET - 1].rstrip() + "…"


# bracketed placeholder defaults (no value in the contract) in Chinese
_ZH_DEFAULTS = {"[Partner A]": "[甲方]", "[Partner B]": "[乙方]", "[Party A]": "[甲方]", "[Party B]": "[乙方]",
                "[the Licensor]": "[许可方]", "[the Licensee]": "[被许可方]", "[the Disclosing Party]": "[披露方]",
                "[the Receiving Party]": "[接收方]", "[the joint venture company]": "[合营公司]",
                "[the Territory]": "[许可地域]", "[the Field of Use]": "[许可领域]", "[the Products]": "[合同产品]",
                "[the licensed products]": "[合同产品]", "[the licensed patents]": "[许可专利]",
                "[the licensed technology]": "[许可技术]", "[the know-how]": "[专有技术]",
                "[the licensed know-how]": "[专有技术]", "[England and Wales]": "[英格兰和威尔士]",
                "[London, England]": "[英国伦敦]", "[the courts of England and Wales]": "[英格兰和威尔士法院]"}

# arbitration rules and laws the forum defaults name (``jurisdiction``), in Chinese
_ZH_FORUM = {ICC: "国际商会仲裁规则", CIETAC: "中国国际经济贸易仲裁委员会仲裁规则", HKIAC: "香港国际仲裁中心机构仲裁规则",
             SIAC: "新加坡国际仲裁中心仲裁规则", PRC_LAW: "中华人民共和国", PRC_COURTS: "合营公司注册地有管辖权的人民法院",
             BEIJING: "中华人民共和国北京", HONG_KONG: "香港", SINGAPORE: "新加坡", GENEVA: "瑞士日内瓦", PARIS: "法国巴黎"}
_ZH_ALTERNATIVE = re.compile(r"\s*\[or\s+")  # "[or X]" of ``jurisdiction.either`` and ``jurisdiction.seats``
_ARTICLE = re.compile(r"^(?:the|The|this|This)\s+")


# the export-control laws named by default (the placeholder's default and ``jurisdiction.PRC_EXPORT_CONTROL_LAWS``)
# in Chinese
_ZH_EXPORT_LAWS = {
    PLACEHOLDERS["export_control_laws"]: "美国《出口管理条例》、适用时的美国《国际武器贸易条例》以及欧盟第2021/821号条例",
    PRC_EXPORT_CONTROL_LAWS:
        "《中华人民共和国出口管制法》、《中华人民共和国技术进出口管理条例》以及在适用时的美国《出口管理条例》和欧盟"
        "第2021/821号条例；本条的任何规定均不要求一方违反对其适用的法律，包括《中华人民共和国反外国制裁法》",
}


# placeholders whose Chinese text names them with one of these words (the first the contract uses)
_ZH_TERMS = {"licensor": ("许可方", "许可人"), "licensee": ("被许可方", "被许可人"), "party_a": ("甲方",), "party_b": ("乙方",),
             "licensed_technology": ("许可技术", "合同技术"), "licensed_patents": ("许可专利", "合同专利"),
             "know_how": ("专有技术", "技术秘密"), "products": ("合同产品", "许可产品", "产品"),
             "jv_company": ("合营公司", "合资公司"), "territory": ("许可地域", "许可区域"), "field": ("领域",)}


def zh_values(report: Report, values: dict[str, str]) -> dict[str, str]:
    """Placeholder values for Chinese language: "this Agreement" as the contract calls itself in
    Chinese (本合同 / 本协议), a party by the short name its Chinese party line defines, else by the
    Chinese word the text uses for its role, bracketed defaults in Chinese; names from the contract
    stay as written."""
    out = dict(values)
    text = report.text
    out["agreement"] = "本合同" if text.count("本合同") > text.count("本协议") else "本协议"
    named = set()
    for key, words in _ZH_TERMS.items():
        if has_cjk(out.get(key, "")):
            named.add(key)  # a Chinese party's own short name (华源, 甲方) from its party line
            continue
        word = next((w for w in words if w in text), None)
        if word is not None and key in out:
            out[key] = word  # the Chinese text's own name for the party or the term
            named.add(key)
    if values.get("export_control_laws") in _ZH_EXPORT_LAWS:
        out["export_control_laws"] = _ZH_EXPORT_LAWS[values["export_control_laws"]]
    for key, value in values.items():
        if key in named or key == "export_control_laws":
            continue
        if value in _ZH_DEFAULTS:
            out[key] = _ZH_DEFAULTS[value]
        elif (forum := _zh_forum(value)) is not None:
            out[key] = forum
        elif value.startswith("[") and value.endswith("]"):
            out[key] = value
        elif key != "agreement" and not has_cjk(value):
            out[key] = _ARTICLE.sub("", value)  # a defined term of an English contract, without its article
    return out


def _zh_forum(value: str) -> Optional[str]:
    """A forum default in Chinese (a law, rules, a seat or courts named in ``_ZH_FORUM``, alone or
    with alternatives: "X [or Y]", "[X] [or Y]"), when every name in it is a known one; else None."""
    out = []
    for i, part in enumerate(_ZH_ALTERNATIVE.split(value)):
        name = part.strip().strip("[]")
        if name not in _ZH_FORUM:
            return None
        bracketed = part.strip().startswith("[") or i > 0
        out.append(("[或" if i else "[") + _ZH_FORUM[name] + "]" if bracketed else _ZH_FORUM[name])
    return "".join(out)


def _check_index(rule, message: str) -> Optional[int]:
    """Which of the rule's checks produced ``message`` (the English message names it)."""
    for i, check in enumerate(rule.checks):
        if f"{rule.title}: {check.message}" in message:
            return i
    return None


def localize(report: Report, playbook, perspective: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with ``message_zh``, ``rationale_zh`` and the suggestion's ``text_zh`` filled in where
    the playbook gives Chinese text."""
    if playbook is None:
        return findings
    rules = {r.id: r for r in playbook.rules_for(perspective)}
    values = placeholder_values(report, playbook.defaults)
    try:
        from analyzer.review.jurisdiction import forum_defaults

        values.update(forum_defaults(report))
    except Exception:  # the defaults are a convenience here; the English findings already carry them
        pass
    values = zh_values(report, values)
    out = []
    for f in findings:
        rule = rules.get(f.rule_id)
        zh = rule.zh if rule is not None else None
        if rule is None or zh is None or f.message_zh:
            out.append(f)
            continue
        title = zh.title or rule.title
        update: dict = {"rationale_zh": f.rationale_zh or zh.rationale}
        i = _check_index(rule, f.message)
        quote = f"“{_snippet(report.text, f.evidence[0].start, f.evidence[0].end)}”" if f.evidence else ""
        preferred = zh.preferred
        if f.kind == "missing":
            need = "要求" if rule.requirement == "required" else "建议"
            update["message_zh"] = f"缺少：{title}。未找到此类条款（已检索全文的标签、标题和措辞）；本手册{need}包含该条款。"
        elif i is not None:
            msg = zh.checks[i] if i < len(zh.checks) and zh.checks[i] else None
            update["message_zh"] = f"{title}：{msg}——{quote}" if msg else None
            check = rule.checks[i]
            if check.preferred:  # the check's own language, in Chinese where the check gives it
                preferred = check.zh.preferred if check.zh is not None else None
        else:
            side = PERSPECTIVE_ZH.get(perspective, perspective)
            update["message_zh"] = f"存在{title}条款，从{side}的角度看本手册不接受该条款：{quote}"
        s = f.suggestion
        if s is not None and s.action != "delete" and not s.text_zh:
            text = fill(zh.fallback if f.kind == "risk" and s.text == fill(rule.fallback, values) else preferred, values)
            update["suggestion"] = s.model_copy(update={"text_zh": text, "fallback_text_zh": fill(zh.fallback, values)})
        out.append(f.model_copy(update=update))
    return out
