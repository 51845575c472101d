"""Time `intplan new --icb --from` on national-size NHS files.

Run: .venv/bin/python benchmarks/nhs_import.py [--runs 3]

Writes, in a temporary folder, a national-size ``gp-reg-pat-prac-quin-age`` file
(6,300 practices x 40 rows: SEX=ALL and MALE for 20 five-year bands, zipped), a matching
practice map, a GP Workforce detailed CSV (6,300 rows x ~830 columns) and an ePCN
workbook, with one ICB of 200 practices / ~1.9 m people in 42 PCNs, then times building
the scenario (reading every file, filtering, assembling) and writing the workbook.
Prints medians (and min/max): the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from intplan.examples.from_nhs import build_from_nhs
from intplan.io.workbook import write_scenario

N_PRACTICES = 6300
N_ICB = 200  # practices in the ICB built
BANDS = (*(f"{a}_{a + 4}" for a in range(0, 95, 5)), "95+")
MAP_HEADER = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,"
    "ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME"
)


def write_files(folder: Path) -> None:
    quin = [
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
        "NUMBER_OF_PATIENTS"
    ]
    mapping = [MAP_HEADER]
    fte_cols = [f"TOTAL_X{i:03d}_HC,TOTAL_X{i:03d}_FTE" for i in range(400)]
    gpw = [
        "PRAC_CODE,PRAC_NAME,PCN_CODE,TOTAL_GP_FTE,TOTAL_GP_EXTG_FTE,TOTAL_N_PRAC_NURSE_FTE,"
        "TOTAL_DPC_HCA_FTE,TOTAL_ADMIN_RECEPT_FTE," + ",".join(fte_cols)
    ]
    filler = ",".join(["1,0.5"] * 400)
    for i in range(N_PRACTICES):
        code = f"P{i:05d}"
        icb = "QKS" if i < N_ICB else f"Q{i % 41:02d}"
        pcn = f"U{i // 5:05d}"
        per_band = 475 if i < N_ICB else 400  # 200 x 20 x 475 = 1.9 m people in the ICB
        for band in BANDS:
            quin.append(f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,AB1 2CD,ALL,{band},{per_band}")
            quin.append(
                f"GP_PRAC_PAT_LIST,2025-03-01,GP,{code},,AB1 2CD,MALE,{band},{per_band // 2}"
            )
        mapping.append(
            f"GP_PRAC_PAT_LIST,01Mar2025,{code},PRACTICE {i},AB1 2CD,{pcn},PCN {pcn},E38000001,"
            f"{icb}1,SUB {icb},E5400{i % 41:04d},{icb},NHS {icb} ICB,E40000001,Y01,Region,TPP"
        )
        gpw.append(f"{code},PRACTICE {i},{pcn},7,6.2,2.4,1.5,5.5,{filler}")
    with zipfile.ZipFile(folder / "gp-reg-pat-prac-quin-age.zip", "w") as z:
        z.writestr("gp-reg-pat-prac-quin-age.csv", "\n".join(quin) + "\n")
    (folder / "gp-reg-pat-prac-map.csv").write_text("\n".join(mapping) + "\n", encoding="utf-8")
    (folder / "gpw.csv").write_text("\n".join(gpw) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "downloads"
        folder.mkdir()
        write_files(folder)
        build: list[float] = []
        save: list[float] = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            built = build_from_nhs(folder, "QKS")
            t1 = time.perf_counter()
            write_scenario(built.scenario, Path(tmp) / "out.xlsx")
            t2 = time.perf_counter()
            build.append(t1 - t0)
            save.append(t2 - t1)
        s = built.scenario
        print(
            f"{len(s.practices)} practices, {len(s.pcns)} PCNs, {s.population:,} people, "
            f"{len(s.staff):,} staff rows"
        )
        for label, xs in (("build", build), ("write workbook", save)):
            print(
                f"{label}: median {statistics.median(xs):.2f} s "
                f"(min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} runs)"
            )


if __name__ == "__main__":
    main()
