"""`intplan new`: writes a template atomically, refuses to overwrite without --force."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from intplan.cli import main
from intplan.examples import build_tiny
from intplan.io.workbook import read_scenario


def test_new_writes_the_template_and_reports_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.xlsx"
    assert main(["new", str(out), "--template", "tiny", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(out)
    assert report["template"] == "tiny"
    assert report["counts"]["practices"] == 3
    assert report["counts"]["ints"] == 2
    assert read_scenario(out) == build_tiny()


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"precious")
    assert main(["new", str(out), "--template", "tiny"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"
    assert main(["new", str(out), "--template", "tiny", "--force"]) == 0
    assert read_scenario(out).name == "Tiny (illustrative)"
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_new_defaults_to_kent_medway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "km.xlsx"
    assert main(["new", str(out)]) == 0
    text = capsys.readouterr().out
    assert "kent-medway" in text and "184 practices" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "plan.csv"], ".xlsx"),
        (["new", "no/such/folder/plan.xlsx"], "does not exist"),
        (["new", "x.xlsx", "--template", "narnia"], "invalid choice"),
    ],
)
def test_new_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- intplan new --icb CODE --from DIR (NHS England files; fixtures in tests/io/nhs) --------

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io" / "nhs"))
from nhs_fixtures import list_by_age, write_folder  # noqa: E402


def _new_from(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    icb: str,
    **folder: Any,  # write_folder's switches, passed through
) -> tuple[int, dict[str, Any], Path]:
    src = write_folder(tmp_path / "downloads", **folder)
    out = tmp_path / "icb.xlsx"
    code = main(["new", str(out), "--icb", icb, "--from", str(src), "--json"])
    return code, json.loads(capsys.readouterr().out), out


def test_new_from_nhs_files_builds_a_valid_icb_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "QHM")
    assert code == 0, report
    assert report["icb"] == "QHM"
    assert report["counts"] | {"staff": 0} == {
        "hcps": 1,
        "pcns": 2,
        "practices": 3,
        "ints": 2,
        "staff": 0,
        "population": 12_000,
    }
    assert main(["validate", str(out)]) == 0
    s = read_scenario(out)
    assert {p.code: p.list_by_age for p in s.practices} == {
        c: list_by_age(c) for c in ("A81001", "A81002", "A81003")
    }
    # ePCN: A81002's ended TEES VALLEY relationship is ignored; names come from ePCN
    assert {p.code: p.pcn for p in s.practices} == {
        "A81001": "U89141",
        "A81002": "U89141",
        "A81003": "U89142",
    }
    assert {p.code: p.name for p in s.pcns} == {
        "U89141": "STOCKTON PCN",
        "U89142": "TEES VALLEY PCN",
    }
    assert [(i.code, i.practices) for i in s.ints] == [
        ("INT-U89141", ("A81001", "A81002")),
        ("INT-U89142", ("A81003",)),
    ]
    fte: dict[tuple[str, str], float] = {}
    for st in s.staff:
        if st.base_kind.value == "practice":
            fte[st.base, st.role] = round(fte.get((st.base, st.role), 0.0) + st.fte, 4)
    assert {k: v for k, v in fte.items() if k[0] == "A81001"} == {
        ("A81001", "GP"): 2.5,
        ("A81001", "PN"): 1.2,
        ("A81001", "HCA"): 0.6,
        ("A81001", "ADMIN"): 3.0,
    }
    # NA/ND GP and HCA at A81002 are missing, not zero: assumed from the reference ratio
    a81002 = [st for st in s.staff if st.base == "A81002" and st.role == "GP"]
    assert a81002 and all("reference ratio" in st.name for st in a81002)
    assert all(st.fte <= 1.0 for st in s.staff)
    sources = next(x for x in s.extra_sheets if x.name == "Sources")
    assert any("gp-reg-pat-prac-quin-age" in str(r[1]) for r in sources.rows)


def test_new_from_nhs_accepts_the_ons_code_and_the_ccg_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "e54000032", ccg=True, epcn=False, imd=True)
    assert code == 0, report
    assert report["counts"]["practices"] == 1
    # Fingertips 93553: G82001 is 3rd most deprived of the file's 4 practices
    assert [p.deprivation_decile for p in read_scenario(out).practices] == [6]
    assert "CCG layout" in report["sources"][0]["note"]
    assert main(["validate", str(out)]) == 0


def test_new_from_nhs_without_workforce_assumes_staff_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = _new_from(tmp_path, capsys, "QHM", workforce=False)
    assert code == 0, report
    assert any("no GP Workforce file" in a for a in report["assumptions"])


@pytest.mark.parametrize(
    ("icb", "suggested"),
    [("QHN", "QHM (E54000050"), ("kent", "QKS (E54000032"), ("", "QHM (E54000050")],
)
def test_new_from_nhs_refuses_an_unknown_icb_with_close_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], icb: str, suggested: str
) -> None:
    code, report, out = _new_from(tmp_path, capsys, icb)
    assert code == 1
    assert f"{icb!r}" in report["error"] and suggested in report["error"]
    assert not out.exists()


def test_new_from_nhs_needs_the_practice_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    (src / "mapping.csv").unlink()
    assert main(["new", str(tmp_path / "x.xlsx"), "--icb", "QHM", "--from", str(src)]) == 1
    err = capsys.readouterr().err
    assert "no gp-reg-pat-prac-map file" in err


def test_new_from_nhs_reports_a_damaged_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    mapping = src / "mapping.csv"
    lines = mapping.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",QHM,", ",,")  # row 3: A81002 with a blank ICB code
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["new", str(tmp_path / "x.xlsx"), "--icb", "QHM", "--from", str(src)]) == 1
    assert f"{mapping}, row 3, column 'ICB_CODE': the ICB code is blank" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["--icb", "QHM"],
        ["--from", "."],
        ["--icb", "QHM", "--from", ".", "--template", "tiny"],
    ],
)
def test_new_icb_and_from_go_together_and_exclude_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["new", str(tmp_path / "x.xlsx"), *args]) == 2
    assert "--icb" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_new_from_nhs_damaged_zip_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    (src / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["new", str(tmp_path / "x.xlsx"), "--icb", "QHM", "--from", str(src)]) == 2
    assert f"{src / 'broken.zip'}: is not a readable zip file" in capsys.readouterr().err


def test_new_from_nhs_refuses_two_files_of_one_kind_and_lists_subfolders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    (src / "older").mkdir()
    (src / "mapping copy.csv").write_bytes((src / "mapping.csv").read_bytes())
    assert main(["new", str(tmp_path / "x.xlsx"), "--icb", "QHM", "--from", str(src)]) == 1
    assert "more than one gp-reg-pat-prac-map file" in capsys.readouterr().err
    (src / "mapping copy.csv").unlink()
    assert (
        main(["new", str(tmp_path / "y.xlsx"), "--icb", "QHM", "--from", str(src), "--json"]) == 0
    )
    listed = json.loads(capsys.readouterr().out)["not_recognised"]
    assert any("older: is a folder" in m for m in listed)


def test_new_from_nhs_pcn_workforce_gives_pcn_posts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "QHM", pcn_staff=True)
    assert code == 0, report
    s = read_scenario(out)
    pcn_fte: dict[tuple[str, str], float] = {}
    for st in s.staff:
        if st.base_kind.value == "pcn":
            key = (st.base, st.role)
            pcn_fte[key] = round(pcn_fte.get(key, 0.0) + st.fte, 4)
    # U89141: 1.6 FTE pharmacists from the file, nothing else (physician associates have no
    # intplan role); U89142 is not in the file, so its PCN posts come from the ratios
    assert {k: v for k, v in pcn_fte.items() if k[0] == "U89141"} == {("U89141", "CP"): 1.6}
    assert {r for (p, r) in pcn_fte if p == "U89142"} >= {"CP", "SPLW", "CC"}
    source = next(x for x in report["sources"] if x["kind"].startswith("PCN Workforce"))
    assert source["period"] == "2025-11"
    assert "Space Navigators (0.4 FTE)" in source["note"]
    assert any("U89142" in a and "PCN Workforce" in a for a in report["assumptions"])


def test_new_from_nhs_places_practices_at_their_postcodes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "QHM", places=True)
    assert code == 0, report
    at = {p.code: (p.x_km, p.y_km) for p in read_scenario(out).practices}
    # A81001 (54.5645 N, 1.3135 W) to A81002 (54.58 N, 1.35 W): 2.91 km on the ground
    lat1, lon1, lat2, lon2 = map(math.radians, (54.5645, -1.3135, 54.58, -1.35))
    ground = 6371.0 * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )
    assert math.dist(at["A81001"], at["A81002"]) == pytest.approx(ground, abs=0.02)
    assert any("postcode not found" in a and "A81003" in a for a in report["assumptions"]), report[
        "assumptions"
    ]
    assert main(["validate", str(out)]) == 0


def test_new_from_nhs_without_postcodes_says_the_layout_is_schematic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = _new_from(tmp_path, capsys, "QHM")
    assert code == 0
    assert any("schematic" in a and "not geography" in a for a in report["assumptions"])


def test_new_from_nhs_files_of_different_months_give_no_practices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    mapping = src / "mapping.csv"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("A8100", "Z9900"), encoding="utf-8"
    )
    assert main(["new", str(tmp_path / "x.xlsx"), "--icb", "QHM", "--from", str(src)]) == 1
    assert "same month" in capsys.readouterr().err


def test_new_from_nhs_leaves_out_practices_epraccur_calls_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "QHM", ods=True)
    assert code == 0, report
    assert [p.code for p in read_scenario(out).practices] == ["A81001", "A81002"]
    assert report["left_out"] == ["A81003 VICTORIA MEDICAL: closed in epraccur (closed 20250228)"]
    assert any(s["kind"].startswith("ODS epraccur") for s in report["sources"])


def test_new_from_nhs_ignores_damage_in_another_icbs_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # national files: a bad cell in Kent's practice G82001 does not stop a QHM build
    src = write_folder(tmp_path / "downloads")
    gpw = next(p for p in src.iterdir() if "Detailed" in p.name)
    lines = gpw.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace(",4,0,2,", ",four,0,2,")
    gpw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["new", str(tmp_path / "q.xlsx"), "--icb", "QHM", "--from", str(src)]) == 0
    capsys.readouterr()
    assert main(["new", str(tmp_path / "k.xlsx"), "--icb", "QKS", "--from", str(src)]) == 1
    assert "row 5, column 'TOTAL_GP_EXTG_FTE': 'four' is not a number" in capsys.readouterr().err


def test_new_from_nhs_refuses_unrecognised_files_listing_them_and_the_known_kinds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads", notes=True, system_files=True)
    (src / "readme.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "x.xlsx"
    assert main(["new", str(out), "--icb", "QHM", "--from", str(src)]) == 1
    err = capsys.readouterr().err
    assert "2 file(s)" in err and "nothing written" in err
    assert f"{src / 'my notes.csv'}: header not recognised (starts Meeting, Date)" in err
    assert f"{src / 'readme.pdf'}: is not a CSV, xlsx or zip file" in err
    # what intplan does recognise, with the columns that identify each kind
    assert "gp-reg-pat-prac-map: PRACTICE_CODE, PRACTICE_NAME, PCN_CODE, PCN_NAME" in err
    assert "--ignore-unrecognised" in err
    # system litter is not mentioned
    assert not any(n in err for n in ("Thumbs.db", "desktop.ini", "DS_Store", "MACOSX"))
    assert not out.exists()


def test_new_from_nhs_ignore_unrecognised_builds_and_lists_them_in_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads", notes=True)
    out = tmp_path / "x.xlsx"
    args = ["new", str(out), "--icb", "QHM", "--from", str(src), "--ignore-unrecognised"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any("my notes.csv" in u and "not recognised" in u for u in report["not_recognised"])
    sources = read_scenario(out).extra_sheets[0]
    assert sources.name == "Sources"
    assert any(r[0] == "not recognised" and "my notes.csv" in str(r[4]) for r in sources.rows)


def test_new_ignore_unrecognised_and_split_large_need_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for flag in ("--ignore-unrecognised", "--split-large"):
        assert main(["new", str(tmp_path / "x.xlsx"), flag]) == 2
        assert "--from" in capsys.readouterr().err


def test_new_from_nhs_split_large_splits_a_pcn_above_the_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # STOCKTON PCN U89141: A81001 and A81002 with 40,000 people each = 80,000 > 50,000
    src = write_folder(tmp_path / "downloads", places=True, sizes={"A81001": 20, "A81002": 20})
    out = tmp_path / "x.xlsx"
    assert main(["new", str(out), "--icb", "QHM", "--from", str(src), "--split-large"]) == 0
    text = capsys.readouterr().out
    assert "split-large: U89141 (80,000 people) split into 2 INTs" in text
    assert "A81001 (40,000) | A81002 (40,000)" in text
    s = read_scenario(out)
    assert [(i.code, i.practices) for i in s.ints] == [
        ("INT-U89141-1", ("A81001",)),
        ("INT-U89141-2", ("A81002",)),
        ("INT-U89142", ("A81003",)),
    ]
    # the PCN's posts are shared over its two INTs by population
    pcn_staff = [st for st in s.staff if st.base == "U89141"]
    assert pcn_staff
    for st in pcn_staff:
        shares = {a.int_code: a.fte for a in st.assignments}
        assert set(shares) == {"INT-U89141-1", "INT-U89141-2"}
        assert math.isclose(shares["INT-U89141-1"], shares["INT-U89141-2"], abs_tol=1e-4)
    sources = s.extra_sheets[0].rows
    assert any(r[0] == "split" and "U89141" in str(r[4]) for r in sources)
    assert "Split by --split-large" in s.notes
    assert main(["validate", str(out)]) == 0
    # without the flag: one INT per PCN
    out2 = tmp_path / "y.xlsx"
    assert main(["new", str(out2), "--icb", "QHM", "--from", str(src)]) == 0
    assert [i.code for i in read_scenario(out2).ints] == ["INT-U89141", "INT-U89142"]


def test_new_from_nhs_split_large_keeps_a_pcn_that_cannot_split_within_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 20,000 + 40,000 = 60,000 > 50,000, but 20,000 is below the 30,000 minimum
    src = write_folder(tmp_path / "downloads", places=True, sizes={"A81001": 10, "A81002": 20})
    out = tmp_path / "x.xlsx"
    args = ["new", str(out), "--icb", "QHM", "--from", str(src), "--split-large", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["splits"] == [
        "U89141 (60,000 people): no split into 2-3 contiguous INTs has every INT within "
        "30,000-50,000; kept as one INT"
    ]
    assert [i.code for i in read_scenario(out).ints] == ["INT-U89141", "INT-U89142"]


def test_new_from_nhs_keeps_the_appointments_crosstab_for_calibrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, out = _new_from(tmp_path, capsys, "QHM", appointments=True)
    assert code == 0, report
    crosstab = str(tmp_path / "downloads" / "Practice_Level_Crosstab_Nov_25.csv")
    assert report["observed"] == crosstab
    rows = read_scenario(out).extra_sheets[0].rows
    kept = [r for r in rows if r[0] == crosstab]
    assert kept and kept[0][1] == "Appointments in General Practice practice-level crosstab"
    assert f"--observed {crosstab}" in str(kept[0][4])


def test_new_from_nhs_hcp_map_names_the_partnerships(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--hcp-map puts each listed PCN in the planner's own HCP; a PCN it leaves out keeps
    its sub-ICB location, and a code from another ICB is reported, both as assumptions."""
    src = write_folder(tmp_path / "downloads")
    hcp = tmp_path / "hcps.csv"
    hcp.write_text("pcn,hcp\nU89141,Stockton Partnership\nU12345,Ashford HCP\n", encoding="utf-8")
    out = tmp_path / "icb.xlsx"
    args = ["new", str(out), "--icb", "QHM", "--from", str(src), "--hcp-map", str(hcp)]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    scenario = read_scenario(out)
    hcp_names = {h.code: h.name for h in scenario.hcps}
    by_pcn = {p.code: hcp_names[p.hcp] for p in scenario.pcns}
    assert by_pcn["U89141"] == "Stockton Partnership"
    assert by_pcn["U89142"] != "Stockton Partnership"  # not in the map: its sub-ICB location
    said = " ".join(report["assumptions"])
    assert "U89142" in said and "U12345" in said
    assert any("hcp" in s["kind"].lower() for s in report["sources"])


def test_new_from_nhs_hcp_map_problems_name_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_folder(tmp_path / "downloads")
    hcp = tmp_path / "hcps.csv"
    hcp.write_text("pcn,hcp\nU89141,North\nU89141,South\n,East\n", encoding="utf-8")
    out = tmp_path / "icb.xlsx"
    args = ["new", str(out), "--icb", "QHM", "--from", str(src), "--hcp-map", str(hcp)]
    assert main([*args, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    text = json.dumps(doc)
    assert "row 3" in text and "already mapped on row 2" in text and "row 4" in text
    assert not out.exists()
    assert main(["new", str(tmp_path / "t.xlsx"), "--hcp-map", str(hcp)]) == 2  # needs --from


def test_new_from_nhs_every_staff_row_names_its_publication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Provenance on every row: a post from a file names the publication and its month; a
    post from a reference ratio says so."""
    code, _report, out = _new_from(tmp_path, capsys, "QHM")
    assert code == 0
    names = [s.name for s in read_scenario(out).staff]
    assert any("(GP Workforce March 2025)" in n for n in names)
    assert all(
        "Workforce" in n or "assumed from reference ratio" in n or "team" in n.lower()
        for n in names
    ), [n for n in names if "Workforce" not in n][:5]
