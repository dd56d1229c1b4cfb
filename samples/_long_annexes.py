"""Extended schedules and technical annexes for the long licence sample (speed benchmarks).

The text is written from structured data (patent families, product families,
test methods) so that the annexes read like a real technical schedule set.
"""

from __future__ import annotations

FAMILIES = [
    ("NP-01", "Diffractive beam shaper with stepped phase profile", "2019"),
    ("NP-02", "Micro-lens array with reduced stray light", "2019"),
    ("NP-03", "Method of replicating diffractive microstructures", "2020"),
    ("NP-04", "Top-hat beam homogeniser for high-power diode lasers", "2020"),
    ("NP-05", "Anti-reflection coating for UV-cured polymer optics", "2021"),
    ("NP-06", "Wafer-level alignment of stacked micro-optics", "2021"),
    ("NP-07", "Multi-spot diffractive splitter with uniform efficiency", "2022"),
    ("NP-08", "In-line metrology of diffractive phase depth", "2023"),
]
JURISDICTIONS = [
    ("Germany", "DE 10 {y} {n:03d} {m:03d}", "Granted"),
    ("European Patent", "EP {e} {m:03d} {n:03d}", "Granted (validated DE, FR, GB, NL)"),
    ("China", "CN {c} {n:03d} {m:03d} A", "Pending"),
    ("Singapore", "SG 1120{y2}0{n:04d}Q", "Granted"),
    ("Malaysia", "PI {y} {m:05d}", "Pending"),
    ("Thailand", "TH {y2}01{n:06d}", "Pending"),
    ("United States", "US 11,{n:03d},{m:03d} B2", "Granted"),
    ("Japan", "JP 7{n:03d}{m:03d} B2", "Granted"),
    ("Republic of Korea", "KR 10-2{n:03d}{m:03d}", "Pending"),
    ("Taiwan", "TW I{n:03d}{m:03d}", "Granted"),
]


def patent_rows() -> list[list[str]]:
    rows = []
    for i, (fam, title, year) in enumerate(FAMILIES):
        for j, (country, pattern, status) in enumerate(JURISDICTIONS):
            n, m = 101 + 37 * i + 11 * j, 211 + 53 * i + 7 * j
            number = pattern.format(y=year, y2=year[2:], n=n, m=m, e=3 + i // 4, c=111 + i)
            if fam == "NP-08" and country in ("Malaysia", "Thailand"):
                status = "To be filed by 30 June 2025"
            rows.append([country, number, f"{title} ({fam})", status])
    return rows


PRODUCTS = [
    ("BS-100 series top-hat beam shapers", "fused silica", "355 nm to 1064 nm", "square or round top-hat, 0.5 mm to 20 mm",
     "industrial laser cutting, welding and surface treatment"),
    ("BS-200 series line generators", "fused silica", "405 nm to 980 nm", "uniform line, fan angle 10 to 90 degrees",
     "machine vision illumination and 3D profiling"),
    ("MLA-300 series micro-lens arrays", "UV-cured hybrid polymer on glass", "400 nm to 1100 nm",
     "pitch 100 um to 1 mm, square or hexagonal", "fibre coupling, beam homogenisation and sensor optics"),
    ("DS-400 series multi-spot splitters", "fused silica", "515 nm to 1070 nm", "1 x N and N x M spot arrays up to 25 x 25",
     "parallel laser processing and structured light"),
    ("HM-500 series homogeniser modules", "fused silica and aluminium housing", "780 nm to 1070 nm",
     "rectangular flat-top field, 5 mm to 120 mm", "high-power diode laser systems"),
    ("WL-600 series wafer-level optics", "glass wafer with replicated polymer layer", "850 nm to 940 nm",
     "stacked micro-optic assemblies, die size 1 mm to 4 mm", "3D sensing and proximity sensor modules"),
    ("VS-700 series vortex phase plates", "fused silica", "343 nm to 1064 nm", "optical vortices of topological charge 1 to 16",
     "laser drilling, trepanning and microscopy"),
    ("AX-800 series diffractive axicons", "fused silica", "355 nm to 1550 nm", "Bessel-like beams with cone angles of 0.5 to 20 degrees",
     "glass cutting and long depth-of-focus imaging"),
    ("FL-900 series diffractive lenses", "UV-cured hybrid polymer on glass", "450 nm to 1100 nm",
     "focal lengths from 2 mm to 500 mm with numerical apertures up to 0.3", "compact imaging and illumination optics"),
    ("EL-1000 series elongated focus elements", "fused silica", "515 nm to 1070 nm",
     "elongated foci of 0.2 mm to 3 mm along the optical axis", "transparent material processing"),
    ("PS-1100 series pattern projectors", "UV-cured hybrid polymer on glass", "830 nm to 960 nm",
     "pseudo-random dot patterns of up to 30,000 points", "structured-light depth cameras"),
    ("CL-1200 series cylindrical lens arrays", "fused silica", "355 nm to 1100 nm",
     "one-dimensional lens arrays with pitch from 150 um to 2 mm", "line beam homogenisation for annealing systems"),
]

SPEC_ROWS = [
    ("Diffraction efficiency", "{eff}% or higher at the design wavelength", "Power meter, integrating sphere"),
    ("Uniformity of target field", "plus or minus {uni}% (RMS) over 90% of the field", "Beam profiler, ISO 13694"),
    ("Zero-order intensity", "below {zo}% of total transmitted power", "Spatially filtered power measurement"),
    ("Surface quality", "scratch-dig 20-10", "ISO 10110-7 visual inspection"),
    ("Damage threshold", "{lidt} J/cm2 at 10 ns, 1064 nm", "ISO 21254 (S-on-1)"),
    ("Operating temperature", "-20 degrees C to +{temp} degrees C", "Climate chamber, 24 hours per step"),
    ("Clear aperture", "90% of the nominal diameter", "Optical microscope"),
    ("Marking", "product code, lot number and the marking under Schedule 7", "Visual inspection"),
]

TESTS = [
    ("Incoming substrate inspection", "Each lot of substrates", "Flatness, thickness and surface defects against supplier certificate",
     "Lot rejected if more than 2% of sampled substrates fail"),
    ("Master verification", "Each new master", "Phase depth by white-light interferometry at nine points", "Deviation below 3% of nominal depth"),
    ("Shim replication check", "First and every 500th replication", "Comparison of replicated profile against master",
     "Profile correlation 0.98 or higher"),
    ("Etch depth control", "Every etch run", "Stylus profilometer on witness sample", "Within plus or minus 10 nm of target"),
    ("Coating performance", "Every coating run", "Spectrophotometer on witness sample", "Residual reflectance below 0.5% per surface"),
    ("Diffraction efficiency", "AQL 1.0, general inspection level II", "Power meter at design wavelength", "As in Schedule 3"),
    ("Field uniformity", "AQL 1.0, general inspection level II", "Camera-based beam profiler", "As in Schedule 3"),
    ("Cosmetic inspection", "100% of units", "Visual inspection under dark-field illumination", "Scratch-dig 20-10"),
    ("Environmental qualification", "Each new product design and every 12 months", "Damp heat 85 degrees C / 85% RH for 500 hours",
     "No delamination; efficiency change below 2%"),
    ("Thermal cycling", "Each new product design", "200 cycles from -40 to +85 degrees C", "No cracking; efficiency change below 2%"),
    ("Laser damage test", "Each new product design and each new coating recipe", "S-on-1 test under ISO 21254", "As in Schedule 3"),
    ("Packaging test", "Each new packaging design", "Drop and vibration test under ISTA 2A", "No damage to optical surfaces"),
]

PHASES = [
    ("Phase 1 - Documentation transfer", "Months 1 to 2",
     "Licensor delivers the design rules, process sheets, recipes and metrology procedures listed in Schedule 2, in English, "
     "through a secure data room. Licensee confirms receipt of each document within five (5) Business Days and lists any "
     "missing or illegible item.", ["Complete document set in the data room", "Signed receipt list", "Q&A log opened"]),
    ("Phase 2 - Training in Jena", "Months 2 to 3",
     "Up to six (6) engineers of Licensee attend two training sessions of ten (10) working days each at Licensor's premises. "
     "The first covers optical design and simulation; the second covers mastering, replication and coating.",
     ["Training attendance records", "Written assessment of each trainee", "Training material handed over"]),
    ("Phase 3 - Line installation", "Months 3 to 6",
     "Licensee installs the production equipment in Suzhou according to the equipment list and layout recommended by Licensor. "
     "Licensor's engineers review the installation on site and issue a punch list of deviations.",
     ["Installation review report", "Punch list with closure dates", "Calibration certificates of metrology tools"]),
    ("Phase 4 - Pilot production", "Months 6 to 9",
     "Licensee produces three pilot lots of each of two product families chosen by the Parties. Licensor reviews the process "
     "data and the test results under Schedule 5 and recommends corrective actions.",
     ["Pilot lot test reports", "Process capability study (Cpk)", "Corrective action plan"]),
    ("Phase 5 - Release for series production", "Months 9 to 12",
     "Release is given when three consecutive lots meet the specifications in Schedule 3 with a process capability index of 1.33 or "
     "higher for diffraction efficiency and uniformity. Licensor confirms release in writing within ten (10) Business Days.",
     ["Release certificate", "Final technology transfer report", "Handover of open items to the support process"]),
]


def _products() -> str:
    out = ["## SCHEDULE 3 - TECHNICAL SPECIFICATIONS OF LICENSED PRODUCTS",
           "This Schedule sets out the minimum specifications that Licensed Products must meet before they are sold under this "
           "Agreement. Licensee may offer products with tighter specifications. Any change to a specification requires the "
           "written approval of Licensor, which shall not be unreasonably withheld where the change does not affect the "
           "performance of the Licensed Technology."]
    for i, (name, material, band, geometry, use) in enumerate(PRODUCTS):
        eff, uni, zo, lidt, temp = 92 - i, 3 + i % 3, 0.5 + 0.25 * (i % 3), 5 + 2 * i, 70 + 5 * (i % 3)
        out.append(f"### {name}")
        out.append(f"The {name} are made of {material} and are designed for the wavelength range {band}. They produce "
                   f"{geometry} and are intended for {use}. The diffractive structures are designed with Licensor's "
                   "stepped-phase design rules and replicated with the mastering and shim process described in Schedule 2.")
        out.append(f"Each unit is delivered with a test certificate stating the lot number, the measured diffraction efficiency "
                   f"and the field uniformity. Units for wavelengths outside {band} are custom products and require a design "
                   "review by Licensor before the first delivery.")
        out.append("| Parameter | Requirement | Test method")
        for p, req, method in SPEC_ROWS:
            out.append(f"| {p} | {req.format(eff=eff, uni=uni, zo=zo, lidt=lidt, temp=temp)} | {method}")
    return "\n".join(out)


def _transfer() -> str:
    out = ["## SCHEDULE 4 - TECHNOLOGY TRANSFER PLAN",
           "The technology transfer under clause 3 follows the phases below. Each Party appoints a transfer manager who is "
           "responsible for the plan, keeps the Q&A log and reports progress every two weeks. Delays caused by one Party extend "
           "the dates of the following phases by the same period."]
    for name, when, text, deliverables in PHASES:
        out.append(f"### {name} ({when})")
        out.append(text)
        out.append("| Deliverable | Responsible | Acceptance")
        for k, d in enumerate(deliverables):
            out.append(f"| {d} | {'Licensor' if k % 2 == 0 else 'Licensee'} | Confirmed in writing by the other transfer manager")
    out.append("### Training programme")
    out.append("| Module | Content | Duration | Participants")
    for mod, content, days, who in [
        ("T1", "Scalar and vector diffraction theory; design software", "3 days", "Optical designers"),
        ("T2", "Stepped-phase design rules and tolerance analysis", "2 days", "Optical designers"),
        ("T3", "Photolithographic mastering and etch process", "3 days", "Process engineers"),
        ("T4", "Nickel shim electroforming and UV replication", "3 days", "Process engineers, operators"),
        ("T5", "Anti-reflection coating recipes", "2 days", "Coating engineers"),
        ("T6", "Metrology, statistical process control and test certificates", "3 days", "Quality engineers"),
        ("T7", "Failure analysis and corrective action", "2 days", "Quality and process engineers"),
        ("T8", "Clean-room practice and contamination control", "2 days", "All participants"),
    ]:
        out.append(f"| {mod} | {content} | {days} | {who}")
    return "\n".join(out)


def _quality() -> str:
    out = ["## SCHEDULE 5 - QUALITY ASSURANCE AND ACCEPTANCE TESTING",
           "Licensee shall operate a quality management system certified to ISO 9001 for the manufacture of Licensed Products "
           "and shall apply the tests below. Test records are kept for five (5) years and are made available to Licensor on "
           "request. Sampling under an acceptable quality limit (AQL) follows ISO 2859-1.",
           "| Test | Frequency / sampling | Method | Acceptance criterion"]
    out += [f"| {a} | {b} | {c} | {d}" for a, b, c, d in TESTS]
    out += [
        "### Non-conforming product",
        "Non-conforming units are segregated, labelled and either scrapped or reworked under a documented procedure. A lot that "
        "fails an acceptance test may be released only after 100% inspection of the affected parameter. Licensee shall report to "
        "Licensor within ten (10) Business Days any non-conformity that affects more than five percent (5%) of a lot or that "
        "results in a customer complaint about optical performance.",
        "### Audits of the production line",
        "Licensor may audit the production line once in each Contract Year on thirty (30) days' notice, during normal working "
        "hours and with the minimum disruption to production. The audit covers process adherence, calibration of metrology "
        "tools, training records and the handling of non-conforming product. Licensor issues an audit report within twenty (20) "
        "Business Days and Licensee shall respond with a corrective action plan within a further twenty (20) Business Days.",
        "### Changes to the process",
        "Licensee shall not change the master material, the replication resin, the coating recipe or the etch chemistry of a "
        "released product without notifying Licensor at least sixty (60) days in advance and repeating the qualification tests "
        "for that product. Changes of equipment of the same type and specification need only be recorded in the change log.",
    ]
    return "\n".join(out)


def _royalty_report() -> str:
    out = ["## SCHEDULE 6 - FORM OF ROYALTY REPORT AND WORKED EXAMPLE",
           "Each quarterly report under clause 4.3 shall be signed by the chief financial officer of Licensee and shall contain "
           "at least the following information for each country of the Territory and each product family:",
           "| Item | Content",
           "| Reporting period | Calendar quarter and Contract Year",
           "| Units sold | Number of units invoiced, by product family and country",
           "| Gross invoiced amount | In the invoice currency and converted into euro",
           "| Permitted deductions | Trade discounts, credits for returns, taxes and duties, each shown separately",
           "| Net Sales | Gross invoiced amount less permitted deductions",
           "| Royalty band | Cumulative Net Sales in the Contract Year and the applicable rate",
           "| Royalty due | Net Sales multiplied by the applicable rate",
           "| Withholding tax | Amount withheld and reference of the official receipt",
           "### Currency conversion",
           "Amounts invoiced in a currency other than euro are converted at the average of the daily reference rates of the "
           "European Central Bank for the last month of the calendar quarter. Where no reference rate is published for a "
           "currency, the Parties use the rate published by the central bank of the country in which the sale was made.",
           "### Worked example",
           "In the third quarter of the second Contract Year Licensee has cumulative Net Sales of EUR 4,200,000 at the start of "
           "the quarter and Net Sales of EUR 1,500,000 during the quarter. EUR 800,000 of the quarter's Net Sales fall within the "
           "first band and bear royalties at 6.0% (EUR 48,000); the remaining EUR 700,000 fall within the second band and bear "
           "royalties at 5.0% (EUR 35,000). The royalty due for the quarter is EUR 83,000.",
           "| Quarter | Net Sales (EUR) | Cumulative (EUR) | Royalty (EUR)",
           "| Q1 | 1,300,000 | 1,300,000 | 78,000",
           "| Q2 | 1,400,000 | 2,700,000 | 84,000",
           "| Q3 | 1,500,000 | 4,200,000 | 90,000",
           "| Q4 | 2,100,000 | 6,300,000 | 113,000"]
    return "\n".join(out)


def _marks_and_support() -> str:
    return "\n".join([
        "## SCHEDULE 7 - MARKING AND USE OF TRADE MARKS",
        "Licensed Products and their packaging shall carry the notice \"Licensed technology of Nordwind Photonics GmbH\" and the "
        "numbers of the Licensed Patents that cover them, as required by the patent marking laws of the country of sale. "
        "Licensee may use the word mark NORDWIND DOE only in that notice and in technical data sheets, in the form shown in "
        "Licensor's brand guidelines as updated from time to time. Licensee shall not register or use any trade mark, domain "
        "name or company name that contains or is confusingly similar to a trade mark of Licensor.",
        "Licensee shall submit to Licensor, for approval, samples of any data sheet, catalogue or web page that refers to "
        "Licensor or to the Licensed Technology. Approval is deemed given if Licensor does not object within ten (10) Business "
        "Days after receipt.",
        "## SCHEDULE 8 - TECHNICAL ASSISTANCE RATES",
        "| Category | Daily rate (EUR) | Notes",
        "| Senior optical designer | 1,850 | Remote or on site",
        "| Process engineer | 1,450 | On site in Suzhou or in Jena",
        "| Metrology specialist | 1,350 | On site",
        "| Project manager | 1,600 | Remote",
        "Rates are fixed for the first two Contract Years and thereafter adjusted once a year in line with the German consumer "
        "price index. Travel time is charged at fifty percent (50%) of the daily rate. Travel and accommodation are reimbursed "
        "at cost against receipts, in economy class for flights of less than six hours and premium economy otherwise.",
        "## SCHEDULE 9 - CONTACTS AND ESCALATION",
        "| Level | Licensor | Licensee",
        "| Transfer managers | Head of Process Engineering, Jena | Director of Manufacturing Engineering, Suzhou",
        "| Commercial | Vice President Licensing | Chief Operating Officer",
        "| Executive | Managing Director | Chief Executive Officer",
        "Matters not resolved by the transfer managers within ten (10) Business Days are escalated to the commercial level and "
        "then to the executive level, before the procedure in clause 11.2 applies.",
    ])


def _know_how() -> str:
    items = [
        ("Optical design", "The stepped-phase design rules, including the quantisation tables for two, four, eight and sixteen "
         "phase levels, the scalar and rigorous simulation settings used to predict efficiency, and the tolerance tables that "
         "link etch depth and line width errors to efficiency and uniformity."),
        ("Mastering", "The photolithographic mastering process, including the resist, exposure dose matrix, development "
         "times, reactive ion etch parameters for fused silica, and the process window verified on Licensor's line."),
        ("Replication", "The nickel shim electroforming process and the UV replication process, including the resin "
         "specification, the release agent, curing dose, demoulding force limits and the shim lifetime criteria."),
        ("Coating", "The anti-reflection coating recipes for polymer and fused silica surfaces, layer designs, deposition "
         "rates and the chamber cleaning schedule."),
        ("Metrology", "The in-line inspection and metrology procedures, including white-light interferometry settings, "
         "beam profiler set-ups and the statistical process control charts with their control limits."),
        ("Production line", "The bill of materials, the equipment list with recommended suppliers and models, the clean-room "
         "layout, and the approved supplier list for substrates, resins and coating materials."),
    ]
    out = ["## SCHEDULE 2 - LICENSED KNOW-HOW",
           "The Licensed Know-How comprises the following information, in the revision current on the Effective Date, "
           "together with any updates that Licensor provides under clause 5.1. It is delivered in the form and on the "
           "timetable set out in Schedule 4."]
    for head, text in items:
        out.append(f"### {head}")
        out.append(text + " Licensor shall identify every document by number and revision in a document index, and "
                   "Licensee shall keep the documents in a controlled document system with access restricted to personnel "
                   "who need them for the manufacture of Licensed Products.")
    return "\n".join(out)


def annex_markup() -> str:
    return "\n".join([_know_how(), _products(), _transfer(), _quality(), _royalty_report(), _marks_and_support()]) + "\n"


EQUIPMENT = [
    ("Mask aligner", "Mastering", "i-line exposure, 150 mm wafers, backside alignment"),
    ("Spin coater", "Mastering", "Up to 6000 rpm, programmable ramps, exhaust bowl"),
    ("Hot plate", "Mastering", "Proximity and contact baking, 20 to 200 degrees C"),
    ("Reactive ion etcher", "Mastering", "Fluorine chemistry, end-point detection, 150 mm"),
    ("Plasma asher", "Mastering", "Oxygen plasma resist strip"),
    ("Electroforming tank", "Replication", "Nickel sulphamate bath, 300 litres, filtration to 1 um"),
    ("Shim separation station", "Replication", "Controlled peel, ionised air"),
    ("UV replication press", "Replication", "365 nm LED, 50 mW/cm2, force-controlled"),
    ("Dispensing robot", "Replication", "Volumetric dispensing, 0.1 ul resolution"),
    ("Box coater", "Coating", "Electron-beam evaporation, ion assistance, planetary fixture"),
    ("Optical monitor", "Coating", "Broadband optical thickness monitoring"),
    ("Dicing saw", "Back-end", "Hub blade, 150 mm wafers, water-cooled"),
    ("Wafer cleaner", "Back-end", "Megasonic, DI water, spin dry"),
    ("White-light interferometer", "Metrology", "Vertical resolution 0.1 nm, stitching"),
    ("Stylus profilometer", "Metrology", "Vertical range 1 mm, 2 um tip"),
    ("Beam profiler", "Metrology", "CMOS camera, 400 to 1100 nm, ISO 11146 software"),
    ("Integrating sphere", "Metrology", "150 mm sphere with calibrated detector"),
    ("Spectrophotometer", "Metrology", "190 to 2500 nm, specular reflectance accessory"),
    ("Dark-field inspection station", "Quality", "Ring light, 10x to 50x stereo microscope"),
    ("Climate chamber", "Quality", "-40 to +150 degrees C, 10 to 95% RH"),
    ("Thermal shock chamber", "Quality", "Two-zone, transfer below 10 seconds"),
    ("Laser damage test bench", "Quality", "Q-switched Nd:YAG, 10 ns, S-on-1 software"),
    ("Clean room", "Facility", "ISO class 5 for mastering and replication, ISO class 7 for back-end"),
    ("DI water plant", "Facility", "18 MOhm cm, total organic carbon below 5 ppb"),
]

DOC_TYPES = [("DR", "Design rule"), ("PS", "Process sheet"), ("WI", "Work instruction"), ("TP", "Test procedure"),
             ("FM", "Form and checklist")]


def _equipment_and_documents() -> str:
    out = ["## SCHEDULE 10 - RECOMMENDED PRODUCTION EQUIPMENT",
           "The equipment below is recommended by Licensor for a production line with an annual capacity of about 200,000 "
           "units. Licensee may use equivalent equipment; Licensor's obligations under Schedule 4 to confirm release for series "
           "production apply only where the equipment used meets the specification stated here.",
           "| Equipment | Process area | Minimum specification | Quantity"]
    for k, (eq, area, spec) in enumerate(EQUIPMENT):
        out.append(f"| {eq} | {area} | {spec} | {1 + (k % 3 == 0)}")
    out += ["## SCHEDULE 11 - DOCUMENT INDEX OF THE LICENSED KNOW-HOW",
            "The documents below make up the Licensed Know-How on the Effective Date. Revisions issued later are listed in "
            "the document index kept in the data room referred to in Schedule 4.",
            "| Document no. | Type | Subject | Revision"]
    subjects = ["Optical design", "Mastering", "Replication", "Coating", "Metrology", "Production line"]
    for i, subject in enumerate(subjects):
        for j, (code, kind) in enumerate(DOC_TYPES):
            for part in range(1, 3):
                out.append(f"| NWP-{code}-{100 * (i + 1) + 10 * j + part} | {kind} | {subject}, part {part} | "
                           f"{1 + (i + j + part) % 4}.{(i * j + part) % 3}")
    return "\n".join(out)


SUPPORT_LEVELS = [
    ("Critical", "Production line stopped or released product failing specification in the field", "4 hours", "2 Business Days"),
    ("Major", "Yield below 70% for two consecutive lots, or a qualification test failed", "1 Business Day", "10 Business Days"),
    ("Minor", "Question on a process parameter or document; no effect on output", "3 Business Days", "20 Business Days"),
    ("Enhancement", "Request for a design or process improvement", "10 Business Days", "As agreed"),
]


def _support_and_disclosure() -> str:
    out = ["## SCHEDULE 12 - TECHNICAL SUPPORT AFTER RELEASE",
           "After release for series production under Schedule 4, Licensor provides remote technical support to Licensee's "
           "transfer manager and up to five named engineers. Support requests are submitted through Licensor's ticket system in "
           "English, with the lot numbers, process data and test results needed to analyse the problem.",
           "| Severity | Definition | First response | Target resolution"]
    out += [f"| {a} | {b} | {c} | {d}" for a, b, c, d in SUPPORT_LEVELS]
    out += [
        "Remote support is included in the royalties up to eighty (80) hours in each Contract Year. Further hours and any "
        "on-site support are charged at the rates in Schedule 8. Target resolution times are targets only, and Licensor's "
        "failure to meet them is not a breach of this Agreement, but repeated failure to meet them for critical requests is "
        "a matter for the escalation procedure in Schedule 9.",
        "Support does not cover problems caused by equipment that does not meet Schedule 10, by changes made in breach of "
        "Schedule 5, or by materials from suppliers that are not on the approved supplier list.",
        "## SCHEDULE 13 - IMPROVEMENT DISCLOSURE PROCEDURE",
        "Every Improvement that must be disclosed under clause 5 is disclosed on the form below within thirty (30) days after "
        "it is first reduced to practice or used in production, whichever is earlier. The receiving Party acknowledges receipt "
        "within ten (10) Business Days and may ask for a technical meeting to discuss the Improvement.",
        "| Field | Content",
        "| Title | Short descriptive title of the Improvement",
        "| Inventors | Names, employer and contribution of each inventor",
        "| Date | Date of conception and date of first reduction to practice",
        "| Description | Technical description with drawings, process data and test results",
        "| Relation to the Licensed Technology | The Licensed Patents, Schedule 2 items and products affected",
        "| Publication | Whether the Improvement has been disclosed outside the Parties, and when",
        "| Proposed protection | Patent application, trade secret, or no protection, with reasons",
        "The transfer managers keep a joint register of disclosed Improvements. Each entry records the disclosing Party, the "
        "date of disclosure, the protection chosen, and any patent applications filed. The register is reviewed at the first "
        "meeting of the transfer managers in each calendar quarter.",
        "Where an Improvement is made jointly by employees of both Parties, the Parties shall agree in good faith which Party "
        "files any patent application and how the costs are shared, before any filing is made. Until they agree, neither Party "
        "may file an application or publish the Improvement.",
    ]
    return "\n".join(out)


def annex_markup_full() -> str:
    return annex_markup() + _equipment_and_documents() + "\n" + _support_and_disclosure() + "\n"
