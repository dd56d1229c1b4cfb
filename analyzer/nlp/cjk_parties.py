"""Parties of a Chinese contract, from the party lines of its preamble.

A Chinese contract names each party on a line of its own, led by the party's label:

    甲方：苏州华源新能源科技股份有限公司，一家依据中华人民共和国法律成立的公司……（"甲方"）；
    许可方（甲方）：杭州星河光电有限公司（以下简称“星河”）
    合营方一：北海储能技术有限公司（Nordsee Energiespeicher GmbH）

The name runs from the colon to the first comma, semicolon, full stop or bracket. The short name is
the one the line defines in quotes (（以下简称“星河”）, （"甲方"）); a line that defines none is
referred to by its label (甲方, 许可方; of 甲方（许可方）, the one the body uses more). The role comes from a role word in the label or in the
brackets beside it (许可方 -> licensor, 被许可方 -> licensee, 合营方 -> partner); 甲方 / 乙方 alone
name a position, not a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.core.cjk import has_cjk

# label word -> role (longest first when matched); a label not listed here has no role
ROLES: dict[str, str] = {
    "被许可方": "licensee", "被许可人": "licensee", "许可方": "licensor", "许可人": "licensor",
    "技术输出方": "licensor", "输出方": "licensor", "技术引进方": "licensee", "引进方": "licensee",
    "转让方": "licensor", "让与方": "licensor", "让与人": "licensor", "受让方": "licensee", "受让人": "licensee",
    "供方": "licensor", "受方": "licensee",
    "合营方": "partner", "合资方": "partner", "合作方": "partner", "股东": "shareholder",
    "披露方": "discloser", "接收方": "recipient",
    "卖方": "seller", "买方": "buyer", "委托方": "customer", "受托方": "service_provider",
}
_POSITION = r"(?:合营|合资|合作)?[甲乙丙丁戊]方"
_ROLE_WORDS = "|".join(sorted(ROLES, key=len, reverse=True))
_LABEL = rf"(?:{_POSITION}|(?:{_ROLE_WORDS})(?:[一二三四五六]|[A-D])?)"
_LINE = re.compile(
    rf"^[ \t\u3000]*(?P<label>{_LABEL})"
    rf"(?:[ \t]*[（(](?P<inner>{_LABEL})[）)])?"
    r"[ \t\u3000]*[：:][ \t\u3000]*"
    r"(?P<name>[^，,；;。\n（(：:]{2,60})",
    re.MULTILINE,
)
_SHORT = re.compile(r"[（(][^）)\n]{0,12}?[“\"「『‘']([^”\"」』’'\n]{1,20})[”\"」』’'][^）)\n]{0,6}[）)]")
_BLANK = re.compile(r"^[\s_＿\-—（）()盖章签字]*$")


@dataclass
class ChineseParty:
    name: str
    start: int
    end: int
    label: str  # 甲方, 许可方 ...: how the line introduces the party
    alias: str | None = None  # the short name the contract defines, else the label
    alias_span: tuple[int, int] | None = None  # where a quoted short name stands
    role: str | None = None


def role_of(label: str) -> str | None:
    """Role named by a Chinese party label (许可方 -> licensor); None for 甲方 / 乙方."""
    for word in sorted(ROLES, key=len, reverse=True):
        if word in label:
            return ROLES[word]
    return None


def find_chinese_parties(text: str, start: int = 0, end: int | None = None) -> list[ChineseParty]:
    """Parties named on the party lines of ``text[start:end]`` (the preamble), in order; a label is
    read once (the first line that names it)."""
    end = len(text) if end is None else end
    out: list[ChineseParty] = []
    labels: set[str] = set()
    for m in _LINE.finditer(text, start, end):
        raw = m.group("name")
        name = raw.strip(" \t\u3000\"“”'")
        if not has_cjk(name) and not re.search(r"[A-Za-z]{2}", name):
            continue
        if _BLANK.match(name) or m.group("label") in labels:
            continue
        a = m.start("name") + raw.index(name)
        label, inner = m.group("label"), m.group("inner")
        line_end = text.find("\n", m.end())
        line_end = end if line_end == -1 or line_end > end else line_end
        short = _SHORT.search(text, m.end("name"), line_end)
        role = role_of(label) or (role_of(inner) if inner else None)
        party = ChineseParty(name=name, start=a, end=a + len(name), label=label, role=role)
        if short is not None:
            party.alias, party.alias_span = short.group(1).strip(), short.span(1)
        else:  # the label the body uses more often (甲方（许可方）)
            party.alias = max([label] + ([inner] if inner else []), key=lambda w: text.count(w, line_end))
        labels.add(label)
        out.append(party)
    return out
