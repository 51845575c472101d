"""Small NHS England files in their own formats (real header rows, docs/nhs-data.md).

Two ICBs: QHM (E54000050, sub-ICB 16C) with practices A81001 and A81002 in STOCKTON PCN
(U89141) and A81003 in U89142; QKS (E54000032, sub-ICB 91Q) with G82001 in U12345.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl

QUIN_HEADER = (
    "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
    "NUMBER_OF_PATIENTS"
)
MAP_HEADER = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,"
    "ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME"
)
CCG_MAP_HEADER = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_CCG_CODE,CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,ONS_COMM_REGION_CODE,"
    "COMM_REGION_CODE,COMM_REGION_NAME"
)
GPW_HEADER = (
    "PRAC_CODE,PRAC_NAME,PCN_CODE,PCN_NAME,SUB_ICB_CODE,SUB_ICB_NAME,ICB_CODE,ICB_NAME,"
    "TOTAL_PATIENTS,TOTAL_GP_HC,TOTAL_GP_FTE,TOTAL_GP_EXTG_FTE,TOTAL_GP_TRN_GR_ST1_FTE,"
    "TOTAL_N_PRAC_NURSE_FTE,TOTAL_DPC_HCA_FTE,TOTAL_ADMIN_RECEPT_FTE,TOTAL_DPC_FUTURE_ROLE_FTE"
)

#: practice -> (ICB, ONS ICB, sub-ICB, PCN, PCN name, name, 5-year band counts)
PRACTICES = {
    "A81001": ("QHM", "E54000050", "16C", "U89141", "STOCKTON PCN", "THE DENSHAM SURGERY"),
    "A81002": ("QHM", "E54000050", "16C", "U89141", "STOCKTON PCN", "QUEENS PARK SURGERY"),
    "A81003": ("QHM", "E54000050", "16C", "U89142", "TEES PCN", "VICTORIA MEDICAL"),
    "G82001": ("QKS", "E54000032", "91Q", "U12345", "ASHFORD PCN", "KENT HOUSE"),
}
ICB_NAMES = {
    "QHM": "NHS North East and North Cumbria Integrated Care Board",
    "QKS": "NHS Kent and Medway Integrated Care Board",
}
#: per practice: 100 people in every 5-year band from 0_4 to 95+ (20 bands) x size factor
SIZE = {"A81001": 1, "A81002": 2, "A81003": 3, "G82001": 4}
BANDS = (*(f"{a}_{a + 4}" for a in range(0, 95, 5)), "95+")


def list_by_age(code: str) -> tuple[int, int, int, int, int]:
    """The scenario bands the fixture's lists should give (15_19 split 3/5 : 2/5)."""
    n = 100 * SIZE[code]
    return (3 * n + (3 * n) // 5, 9 * n + n - (3 * n) // 5, 2 * n, 2 * n, 3 * n)


def quin_csv(sizes: dict[str, int] | None = None) -> str:
    size = SIZE | (sizes or {})
    lines = [QUIN_HEADER, "GP_PRAC_PAT_LIST,2025-03-01,Comm Region,Y56,E40000003,,ALL,ALL,999"]
    lines.append("GP_PRAC_PAT_LIST,2025-03-01,PCN,U89141,,,ALL,ALL,900")
    for code in PRACTICES:
        n = 100 * size[code]
        lines.append(f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,TS3 6AL,ALL,ALL,{n * 20}")
        for band in BANDS:
            half = n // 2
            if code == "A81003":  # no SEX=ALL band rows: MALE + FEMALE are summed
                lines.append(f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,TS3 6AL,MALE,{band},{half}")
                lines.append(
                    f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,TS3 6AL,FEMALE,{band},{n - half}"
                )
            else:
                lines.append(f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,TS3 6AL,ALL,{band},{n}")
                lines.append(f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,TS3 6AL,MALE,{band},{half}")
    return "\n".join(lines) + "\n"


#: practice postcodes and where they are (A81003's is not in the postcode file)
POSTCODES = {
    "A81001": ("TS18 1HU", 54.5645, -1.3135),
    "A81002": ("TS19 8PE", 54.5800, -1.3500),
    "A81003": ("TS20 2XY", None, None),
    "G82001": ("TN24 0AA", 51.1500, 0.8700),
}


def postcodes_csv() -> str:
    lines = ["pcd,pcd2,pcds,dointr,doterm,oseast1m,osnrth1m,lat,long,icb"]
    for pc, lat, lon in POSTCODES.values():
        if lat is not None:
            lines.append(f"{pc.replace(' ', '')},{pc},{pc},201001,,1,1,{lat},{lon},E54000050")
    lines.append("ZZ99 9ZZ,ZZ99 9ZZ,ZZ99 9ZZ,201001,,,,99.999999,0.000000,")
    return "\n".join(lines) + "\n"


def map_csv(*, ccg: bool = False) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow((CCG_MAP_HEADER if ccg else MAP_HEADER).split(","))
    for code, (icb, ons, sub, pcn, pcn_name, name) in PRACTICES.items():
        sub_name = f"{ICB_NAMES[icb]} - {sub}"
        if ccg:
            w.writerow(
                [
                    "GP_PRAC_PAT_LIST",
                    "01APR2021",
                    code,
                    name,
                    POSTCODES[code][0],
                    pcn,
                    pcn_name,
                    "E38000247",
                    sub,
                    sub_name,
                    ons,
                    icb,
                    ICB_NAMES[icb],
                    "E40000012",
                    "Y63",
                    "North East and Yorkshire",
                ]
            )
        else:
            w.writerow(
                [
                    "GP_PRAC_PAT_LIST",
                    "01Mar2025",
                    code,
                    name,
                    POSTCODES[code][0],
                    pcn,
                    pcn_name,
                    "E38000247",
                    sub,
                    sub_name,
                    ons,
                    icb,
                    ICB_NAMES[icb],
                    "E40000012",
                    "Y63",
                    "North East and Yorkshire",
                    "TPP",
                ]
            )
    return out.getvalue()


#: the workforce file's FTE: practice -> (GP_EXTG, GP trainee, PN, HCA, RECEPT)
GPW = {
    "A81001": ("2.5", "1", "1.2", "0.6", "3"),
    "A81002": ("NA", "0", "0.8", "ND", "2"),
    "A81003": ("1", "0", "0", "1", "1.5"),
    "G82001": ("4", "0", "2", "1", "4"),
}


def gpw_csv() -> str:
    lines = [GPW_HEADER]
    for code, (gp, trn, pn, hca, rec) in GPW.items():
        icb, _, sub, pcn, pcn_name, name = PRACTICES[code]
        lines.append(
            f"{code},{name},{pcn},{pcn_name},{sub},sub {sub},{icb},{ICB_NAMES[icb]},"
            f"{100 * SIZE[code] * 20},5,9,{gp},{trn},{pn},{hca},{rec},0.5"
        )
    return "\n".join(lines) + "\n"


def epcn_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    details = book.active
    assert details is not None
    details.title = "PCNDetails"
    details.append(
        [
            "PCN Code",
            "PCN Name",
            "Current Sub ICB Loc Code",
            "Sub ICB Location",
            "Open Date",
            "Close Date",
            "Address Line 1",
            "Postcode",
        ]
    )
    details.append(["U89141", "STOCKTON PCN", "16C", "x", 20200701, None, "x", "TS18 1HU"])
    details.append(["U89142", "TEES VALLEY PCN", "16C", "x", 20200701, None, "x", "TS18 1HU"])
    partners = book.create_sheet("PCN Core Partner Details")
    partners.append(
        [
            "Partner\nOrganisation\nCode",
            "Partner\nName",
            "Practice\nParent\nSub ICB Loc\nCode",
            "Practice\nParent\nSub ICB Loc\nName",
            "PCN\nCode",
            "PCN\nName",
            "PCN Parent Code",
            "PCN Parent Name",
            "Practice to PCN\nRelationship\nStart Date",
            "Practice to PCN\nRelationship\nEnd Date",
        ]
    )
    partners.append(
        ["A81001", "x", "16C", "x", "U89141", "STOCKTON PCN", "16C", "x", 20200701, None]
    )
    # A81002 left TEES VALLEY (ended: ignored) and is in STOCKTON now
    partners.append(
        ["A81002", "x", "16C", "x", "U89142", "TEES VALLEY PCN", "16C", "x", 20200701, 20230331]
    )
    partners.append(
        ["A81002", "x", "16C", "x", "U89141", "STOCKTON PCN", "16C", "x", 20230401, None]
    )
    partners.append(
        ["A81003", "x", "16C", "x", "U89142", "TEES VALLEY PCN", "16C", "x", 20200701, None]
    )
    book.save(path)


def write_folder(
    folder: Path,
    *,
    ccg: bool = False,
    workforce: bool = True,
    epcn: bool = True,
    imd: bool = False,
    pcn_staff: bool = False,
    places: bool = False,
    ods: bool = False,
    notes: bool = False,
    appointments: bool = False,
    system_files: bool = False,
    sizes: dict[str, int] | None = None,
) -> Path:
    """Write the fixture files (quin-age zipped, the rest bare) into ``folder``.

    ``notes`` adds a CSV that is no NHS file; ``system_files`` the litter operating
    systems leave (hidden files, Thumbs.db, desktop.ini, a zip's __MACOSX/);
    ``sizes`` scales practices' lists (100 x size people in each of 20 bands)."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "download (3).zip", "w") as z:
        z.writestr("gp-reg-pat-prac-quin-age.csv", quin_csv(sizes))
        if system_files:
            z.writestr("__MACOSX/._gp-reg-pat-prac-quin-age.csv", b"\x00\x05\x16\x07junk")
    (folder / "mapping.csv").write_text(map_csv(ccg=ccg), encoding="utf-8")
    if workforce:
        name = "1 General Practice \u2013 March 2025 Practice Level - Detailed.csv"
        (folder / name).write_text(gpw_csv(), encoding="utf-8")
    if epcn:
        epcn_xlsx(folder / "ePCN.xlsx")
    if pcn_staff:
        with zipfile.ZipFile(folder / "PCNWFIndividualCSV.112025.zip", "w") as z:
            z.writestr(
                "1.Primary Care Networks - November 2025 Individual Level.csv", pcn_workforce_csv()
            )
    if ods:
        with zipfile.ZipFile(folder / "epraccur.zip", "w") as z:
            z.writestr("epraccur.csv", epraccur_csv())
    if places:
        (folder / "ONSPD_extract.csv").write_text(postcodes_csv(), encoding="utf-8")
    if imd:
        (folder / "indicators-GP.data.csv").write_text(fingertips_csv(), encoding="utf-8")
    if appointments:
        (folder / "Practice_Level_Crosstab_Nov_25.csv").write_text(crosstab_csv(), encoding="utf-8")
    if notes:
        (folder / "my notes.csv").write_text(
            "Meeting,Date\nINT board,2025-03-01\n", encoding="utf-8"
        )
    if system_files:
        (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
        (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
        (folder / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
        (folder / "__MACOSX").mkdir()
        (folder / "__MACOSX" / "._mapping.csv").write_bytes(b"\x00\x05")
    return folder


#: the real Appointments in General Practice practice-level crosstab header
CROSSTAB_HEADER = (
    "APPOINTMENT_MONTH_START_DATE,GP_CODE,GP_NAME,SUPPLIER,PCN_CODE,PCN_NAME,"
    "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,HCP_TYPE,APPT_MODE,NATIONAL_CATEGORY,"
    "TIME_BETWEEN_BOOK_AND_APPT,COUNT_OF_APPOINTMENTS,APPT_STATUS"
)
#: booking buckets as published (double spaces in 8/15/22) -> appointments per practice
CROSSTAB_COUNTS = {
    "Same Day": 300,
    "1 Day": 60,
    "2 to 7 Days": 120,
    "8  to 14 Days": 80,
    "15  to 21 Days": 40,
    "22  to 28 Days": 20,
    "More than 28 Days": 10,
    "Unknown / Data Issue": 5,
}


def crosstab_csv() -> str:
    """One month (Nov 2025) for every fixture practice: attended and a few DNAs."""
    lines = [CROSSTAB_HEADER]
    for code, (_, _, sub, pcn, pcn_name, name) in PRACTICES.items():
        for bucket, count in CROSSTAB_COUNTS.items():
            for status, n in (("Attended", count * SIZE[code]), ("DNA", count // 10)):
                lines.append(
                    f"01NOV2025,{code},{name},TPP,{pcn},{pcn_name},{sub},NHS ICB - {sub},GP,"
                    f"Face-to-Face,General Consultation Routine,{bucket},{n},{status}"
                )
    return "\n".join(lines) + "\n"


FINGERTIPS_HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to PCNs (v. 25/04/25) value or "
    "percentiles,Time period Sortable,New data,Compared to goal,Time period range"
)
#: IMD 2019 score per practice (higher = more deprived)
IMD_SCORE = {"A81001": "31.2", "A81002": "12.5", "A81003": "45.0", "G82001": "20.1"}


def fingertips_csv() -> str:
    tail = ",,,,,,,,,,,,,"
    lines = [
        FINGERTIPS_HEADER,
        f"93553,Deprivation score (IMD 2019),,,E92000001,England,England,Persons,All ages,,,"
        f"2019,21.7{tail}",
    ]
    for code, score in IMD_SCORE.items():
        pcn, pcn_name, name = PRACTICES[code][3], PRACTICES[code][4], PRACTICES[code][5]
        lines.append(
            f"93553,Deprivation score (IMD 2019),{pcn},{pcn_name},{code},{name},GPs,Persons,"
            f"All ages,,,2019,{score}{tail}"
        )
    return "\n".join(lines) + "\n"


PCN_WF_HEADER = (
    "Data_source,CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,PCN_NAME,SUB_ICB_CODE,SUB_ICB_NAME,ICB_CODE,"
    "ICB_NAME,COMM_REGION_CODE,COMM_REGION_NAME,STAFF_GROUP,STAFF_ROLE,DETAILED_STAFF_ROLE,FTE,"
    "UNIQUE_IDENTIFIER"
)
#: PCN -> (staff role, detailed role, FTE): U89142 is not in the file
PCN_STAFF = (
    ("U89141", "Pharmacists", "Clinical Pharmacist", "1.0"),
    ("U89141", "Pharmacists", "Clinical Pharmacist", "0.6"),
    ("U89141", "Physician Associates", "Physician Associate", "1.0"),
    ("U89141", "Space Navigators", "Space Navigator", "0.4"),
    ("U12345", "Paramedics", "Paramedic", "1.0"),
)


def pcn_workforce_csv() -> str:
    lines = [PCN_WF_HEADER]
    for n, (pcn, role, detailed, fte) in enumerate(PCN_STAFF, start=132667):
        lines.append(
            f"NWRS Staff,2025,11,{pcn},SOME PCN,16C,NHS ICB - 16C,QHM,NHS ICB,Y63,North East,"
            f"Other Direct Patient Care staff,{role},{detailed},{fte},{n}"
        )
    return "\n".join(lines) + "\n"


def epraccur_csv() -> str:
    """No header row; every field quoted (the real layout). A81003 closed in Feb 2025."""
    lines = []
    for code, (_, _, sub, _, _, name) in PRACTICES.items():
        status, closed = ("C", "20250228") if code == "A81003" else ("A", "")
        fields = [code, name, "Y63", "QHM", "THE HEALTH CENTRE", "LAWSON STREET",
                  "STOCKTON-ON-TEES", "CLEVELAND", "", POSTCODES[code][0], "19740401", closed,
                  status, "B", sub, "20130401", "", "01642 672351", "", "", "", "0", "", sub,
                  "", "4", ""]  # fmt: skip
        lines.append(",".join(f'"{f}"' for f in fields))
    return "\n".join(lines) + "\n"
