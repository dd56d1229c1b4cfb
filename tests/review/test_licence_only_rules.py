"""Licence-only rules do not run on a contract that grants no licence."""

from __future__ import annotations

from analyzer.core.schema import AgreementType, DocumentInfo, Format, Label, Report
from analyzer.review.findings import compare
from analyzer.review.playbook import applicable, grants_licence, resolve_playbook

SERVICES = ("PROFESSIONAL SERVICES AGREEMENT\n\nConsultant shall perform the Services described in each Statement "
            "of Work. Customer shall pay the fees within thirty days. This Agreement is governed by the laws of "
            "New York.\n")
LICENCE = "LICENCE AGREEMENT\n\nLicensor hereby grants to Licensee a non-exclusive licence under the Licensed Patents.\n"
LICENCE_ONLY = {"lic.grant", "lic.sublicensing", "lic.improvements", "lic.know-how", "lic.patent-prosecution",
                "lic.enforcement", "lic.no-challenge", "lic.royalties", "lic.audit"}


def _report(text: str, **kw) -> Report:
    return Report(document=DocumentInfo(source="x.txt", format=Format.TXT, sha256="0" * 64, chars=len(text)),
                  text=text, **kw)


def test_a_services_agreement_reviewed_with_the_licence_playbook_gets_no_licence_only_findings():
    report = _report(SERVICES, agreement_type=AgreementType(label="services", confidence=0.6, grants_licence=False))
    pb, skipped = applicable(resolve_playbook("tech-license"), report)
    assert set(skipped) == LICENCE_ONLY
    findings = compare(report, pb, "licensee")
    assert findings and not {f.rule_id for f in findings} & LICENCE_ONLY
    assert not {f.category for f in findings} & {"patent_prosecution_maintenance", "sublicensing", "royalties_payment"}


def test_a_licence_keeps_the_licence_rules():
    report = _report(LICENCE)
    assert grants_licence(report)
    pb, skipped = applicable(resolve_playbook("tech-license"), report)
    assert skipped == [] and LICENCE_ONLY <= {r.id for r in pb.rules}


def test_a_licence_grant_label_counts_as_a_grant():
    report = _report(SERVICES, agreement_type=AgreementType(label="services", confidence=0.6, grants_licence=False),
                     labels=[Label(category="license_grant", confidence=0.9, flagged=True, start=0, end=10)])
    assert applicable(resolve_playbook("tech-license"), report)[1] == ["lic.patent-prosecution"]  # no patents named


def test_the_new_playbooks_load_with_customer_side_rules():
    saas, supply = resolve_playbook("saas-services"), resolve_playbook("supply-manufacturing")
    assert {"svc.service-levels", "svc.ip-indemnity", "svc.exit", "svc.data-protection"} <= {r.id for r in saas.rules}
    assert {"sup.quality", "sup.ip-indemnity", "sup.insurance", "sup.recall"} <= {r.id for r in supply.rules}
    for pb in (saas, supply):
        assert pb.default_perspective == "neutral"
        assert not {r.category for r in pb.rules} & {"sublicensing", "technology_transfer_know_how"}
        assert "patent_prosecution_maintenance" not in {r.category for r in pb.rules}


def test_patent_rules_run_only_on_a_licence_that_speaks_of_patents():
    software = _report("SOFTWARE LICENSE AGREEMENT\n\nProvider hereby grants Customer a non-exclusive licence to install "
                       "and use the Software.\n")
    _, skipped = applicable(resolve_playbook("tech-license"), software)
    assert skipped == ["lic.patent-prosecution"]
    _, skipped = applicable(resolve_playbook("tech-license"), _report(LICENCE))
    assert "lic.patent-prosecution" not in skipped
