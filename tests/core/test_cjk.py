"""Chinese script predicates: language by script ratio, Chinese numerals, joins without spaces."""

from __future__ import annotations

import pytest

from analyzer.core.cjk import cjk_boundary, cn_number, cn_numeral, language_of


@pytest.mark.parametrize("text,lang", [
    ("The Licensor grants to the Licensee a licence.", "en"),
    ("许可方授予被许可方独占许可。", "zh"),
    ("本协议适用中华人民共和国法律（PRC law）。", "zh"),
    ("For Alpenlicht Optics GmbH (Licensor) / 许可方：阿尔彭光学有限公司", "mixed"),
    ("2.1 The Licensor grants an exclusive licence. 2.1 许可方授予被许可方独占的许可。", "mixed"),
    ("1.1", None),
    ("| — |", None),
])
def test_cjk_language_of(text, lang):
    assert language_of(text) == lang


@pytest.mark.parametrize("n", [1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 999, 1000, 1205])
def test_cjk_numerals_round_trip(n):
    assert cn_number(cn_numeral(n)) == n


@pytest.mark.parametrize("s,n", [("一", 1), ("十", 10), ("十二", 12), ("二十一", 21), ("一百零五", 105), ("两", 2), ("12", 12), ("abc", None)])
def test_cjk_cn_number(s, n):
    assert cn_number(s) == n


@pytest.mark.parametrize("prev,nxt,joined", [("许可方授予被许", "可方独占许可", True), ("the Licensor", "grants", False),
                                             ("在生效日后六十", "60", True), ("终止本协议。", "The", False)])
def test_cjk_boundary(prev, nxt, joined):
    assert cjk_boundary(prev, nxt) is joined
