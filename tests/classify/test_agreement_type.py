"""Agreement type: the title rules decide when the title names the type, else the opening-text model."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.classify import agreement_type as atype
from analyzer.core.taxonomy import AGREEMENT_TYPES


def test_title_rules_name_known_types_only():
    assert {label for label, _ in atype.TITLE_RULES} <= set(AGREEMENT_TYPES) - {"other"}


@pytest.mark.parametrize(("title", "expected"), [
    ("MUTUAL NON-DISCLOSURE AGREEMENT", "nda"),
    ("NONDISCLOSURE AGREEMENT", "nda"),
    ("CONFIDENTIALITY AGREEMENT", "nda"),
    ("JOINT VENTURE AGREEMENT", "jv"),
    ("SHAREHOLDERS' AGREEMENT", "jv"),
    ("LIMITED LIABILITY COMPANY OPERATING AGREEMENT", "jv"),
    ("STRATEGIC ALLIANCE AGREEMENT", "collaboration"),
    ("CO-BRANDING AGREEMENT", "collaboration"),
    ("RESEARCH AND DEVELOPMENT AGREEMENT", "development"),
    ("TECHNOLOGY LICENSE AGREEMENT", "license"),
    ("PATENT LICENCE AGREEMENT", "license"),
    ("FRANCHISE AGREEMENT", "license"),
    ("EXCLUSIVE DISTRIBUTION AGREEMENT", "distribution"),
    ("SUPPLY AGREEMENT", "distribution"),
    ("CONSULTING AGREEMENT", "services"),
    ("HOSTING SERVICES AGREEMENT", "services"),
    ("EMPLOYMENT AGREEMENT", None),
])
def test_title_type_from_the_title_line(title, expected):
    text = f"{title}\n\nThis Agreement is made on 1 May 2020 between Acme Inc. and Beta LLC.\n"
    assert atype.title_type(text) == expected


@pytest.mark.parametrize(("title", "expected"), [
    # the first rule in TITLE_RULES wins when a title names two types
    ("NON-DISCLOSURE AND JOINT VENTURE AGREEMENT", "nda"),
    ("JOINT DEVELOPMENT AND LICENSE AGREEMENT", "development"),
    ("COLLABORATION AND LICENSE AGREEMENT", "collaboration"),
    ("LICENSE AND SUPPLY AGREEMENT", "license"),
    ("JOINT VENTURE AND COLLABORATION AGREEMENT", "jv"),
])
def test_title_rules_are_applied_in_order(title, expected):
    assert atype.title_type(f"{title}\n\nBetween Acme and Beta.\n") == expected


def test_a_cover_page_is_typed_by_the_form_it_completes():
    text = ("Cover Page\nfor Bonterms Mutual NDA \nBy executing this Cover Page, the parties enter into the Bonterms "
            "Mutual NDA (Version 1.0).\nKey Terms\nPurpose\nJoint development of a platform\n")
    assert atype.title_type(text) == "nda"


def test_title_type_reads_an_inline_title_and_only_the_opening():
    assert atype.title_type("This TECHNOLOGY LICENSE AGREEMENT is made between Acme and Beta.") == "license"
    assert atype.title_type("This contract is made between Acme and Beta. No title names its kind.") is None
    late = "Recitals. " * 400 + "\nJOINT VENTURE AGREEMENT\n"
    assert len(late) > 3000 and atype.title_type(late) is None


OPENINGS = {
    "license": ["Licensor grants Licensee a licence to the patents and royalties are payable on net sales.",
                "The licence to the licensed patents carries a royalty on every unit sold by Licensee.",
                "Licensee pays royalties for the licence granted under the licensed patents."],
    "jv": ["The shareholders form a joint company and each contributes capital to the company.",
           "Capital contributions by the shareholders fund the company and its board of directors.",
           "The company board includes directors appointed by each shareholder after capital is paid."],
    "services": ["The consultant performs the services and the customer pays the monthly service fee.",
                 "Services are performed by the consultant; the customer pays fees for each service.",
                 "The customer receives support services from the consultant for a service fee."],
}


def _train(kinds) -> dict:
    texts = [t for label in kinds for t in OPENINGS[label]]
    labels = [label for label in kinds for _ in OPENINGS[label]]
    return atype.train(texts, labels)


@pytest.fixture(scope="module")
def model() -> dict:
    return _train(["license", "jv", "services"])


UNTITLED = [
    ("Licensee pays a royalty on the licensed patents under this licence.", "license"),
    ("Each shareholder makes capital contributions and appoints directors to the board.", "jv"),
    ("The consultant provides services and the customer pays the service fee.", "services"),
]


def test_predict_trusts_a_title_that_names_the_type(model):
    text = "JOINT VENTURE AGREEMENT\n\n" + OPENINGS["license"][0]
    label, confidence = atype.predict(model, text)
    assert label == "jv" and confidence >= atype.MIX_TITLE


@pytest.mark.parametrize(("text", "expected"), UNTITLED)
def test_predict_falls_back_to_the_opening_text_model(model, text, expected):
    assert atype.title_type(text) is None
    label, confidence = atype.predict(model, text)
    assert label == expected and 1 / 3 < confidence < 1.0


@pytest.mark.parametrize(("text", "expected"), [u for u in UNTITLED if u[1] != "services"])
def test_predict_with_a_two_class_model(text, expected):
    label, confidence = atype.predict(_train(["license", "jv"]), text)
    assert label == expected and 0.5 < confidence < 1.0


def test_predict_maps_a_class_outside_the_taxonomy_to_other():
    texts = OPENINGS["license"] + OPENINGS["jv"] + [
        "The tenant pays rent for the premises to the landlord each month.",
        "The landlord leases the premises to the tenant for rent.",
        "Rent for the premises is due from the tenant to the landlord."]
    model = atype.train(texts, ["license"] * 3 + ["jv"] * 3 + ["lease"] * 3)
    label, confidence = atype.predict(model, "The tenant pays the landlord rent for the premises.")
    assert label == "other" and confidence > 1 / 3


def test_the_artifact_round_trip_predicts_the_same(model):
    loaded = atype.from_artifact(atype.config(model), atype.arrays(model))
    assert loaded["classes"] == model["classes"] and loaded["vocab"] == model["vocab"]
    for text in ["Licensee pays a royalty on the licensed patents.", "Capital contributions of each shareholder."]:
        label, p = atype.predict(model, text)
        label2, p2 = atype.predict(loaded, text)
        assert label == label2 and np.isclose(p, p2, atol=1e-5)
