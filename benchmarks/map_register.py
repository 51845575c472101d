"""Benchmark: `intplan map` on a 10,000-row staff register against Kent & Medway.

Generates (fixed seed) a register .xlsx in the shape employers send: a title row above
the header, varied job titles, practice / PCN / team bases, ~2% duplicate people from a
second employer's file and ~1% bad rows. Times the whole command (load the workbook,
read and map the register, save) as a subprocess, and the service alone in-process.

    .venv/bin/python benchmarks/map_register.py [--rows 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl

from intplan.domain import Scenario
from intplan.examples import build_kent_medway
from intplan.services.files import save_scenario
from intplan.services.mapping import run_mapping

SEED = 20240729
TITLES: dict[str, tuple[str, ...]] = {
    "GP": ("Salaried GP", "GP Partner", "General Practitioner"),
    "PN": ("Practice Nurse", "General Practice Nurse", "PN"),
    "ANP": ("Advanced Nurse Practitioner",),
    "HCA": ("Health Care Assistant", "Healthcare Assistant"),
    "CP": ("ARRS Clinical Pharmacist", "Clinical Pharmacist"),
    "SPLW": ("Social Prescriber", "Social Prescribing Link Worker"),
    "CC": ("Care Co-ordinator", "Care Coordinator"),
    "DN": ("Band 6 District Nurse", "District Nurse"),
    "CN": ("Community Nurse",),
    "MHP": ("Mental Health Practitioner", "CPN"),
    "SW": ("Social Worker",),
    "ADMIN": ("Receptionist", "Administrator"),
}
PCN_ROLES = ("CP", "SPLW", "CC")
TEAM_ROLES = ("DN", "CN", "MHP", "SW")


def make_register(scenario: Scenario, rows: int, path: Path) -> None:
    rng = np.random.default_rng(np.random.SeedSequence(SEED))
    practices = [p.code for p in scenario.practices]
    pcns = [p.code for p in scenario.pcns]
    teams = [t.code for t in scenario.teams] or practices
    roles = [r for r in TITLES if r in scenario.role_by_code]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Staff")
    ws.append(["Combined staff register (synthetic, benchmark)"])
    ws.append(["Assignment Number", "Employee Name", "Job Title", "WTE", "Base", "Employer"])
    role_idx = rng.integers(0, len(roles), rows)
    fte = np.round(rng.choice([1.0, 0.8, 0.6, 0.5, 0.4], rows), 2)
    for k in range(rows):
        role = roles[role_idx[k]]
        if role in PCN_ROLES:
            base = pcns[int(rng.integers(len(pcns)))]
        elif role in TEAM_ROLES:
            base = teams[int(rng.integers(len(teams)))]
        else:
            base = practices[int(rng.integers(len(practices)))]
        title = TITLES[role][int(rng.integers(len(TITLES[role])))]
        number = f"{k + 1:08d}"
        name = f"Person {k + 1}"
        if k % 50 == 49:  # ~2%: the same person again, from another employer's file
            number, name = f"{k:08d}", f"Person {k}"
            role = roles[role_idx[k - 1]]
            title, base = TITLES[role][0], "dup"
        if k % 100 == 7:  # ~1%: bad rows
            title = "Practise Nurse"
        ws.append([number, name, title, float(fte[k]), base, "Synthetic employer"])
    wb.save(path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    scenario = build_kent_medway()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        wb, reg, out = d / "km.xlsx", d / "register.xlsx", d / "out.xlsx"
        save_scenario(scenario, wb)
        make_register(scenario, args.rows, reg)
        _fix_duplicates(reg)
        cmd = [sys.executable, "-m", "intplan.cli", "map", str(wb), "--staff", str(reg)]
        cmd += ["--out", str(out), "--json"]
        whole: list[float] = []
        whole_cpu: list[float] = []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            whole.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            whole_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        service: list[float] = []
        service_cpu: list[float] = []
        result = None
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            result = run_mapping(scenario, [reg])
            service.append(time.perf_counter() - t0)
            service_cpu.append(time.process_time() - c0)
        assert result is not None
        print(f"rows {args.rows}, runs {args.runs}, load average {os.getloadavg()[0]:.1f}")
        print(
            f"rows read {result.rows_read}, imported {result.rows_imported}, merged "
            f"{result.rows_merged}, rejected {len(result.rejected)}; FTE imported "
            f"{result.fte_imported:.2f}, assigned {result.fte_assigned:.2f}"
        )
        for label, wall, cpu in (
            ("intplan map (whole command)", whole, whole_cpu),
            ("run_mapping (service only) ", service, service_cpu),
        ):
            print(
                f"{label}: wall median {statistics.median(wall):.2f} s "
                f"(min {min(wall):.2f}, max {max(wall):.2f}); "
                f"CPU median {statistics.median(cpu):.2f} s"
            )
    return 0


def _fix_duplicates(path: Path) -> None:
    """Give duplicate rows the base of the row they repeat (kept simple above)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Staff"]
    prev = None
    for row in ws.iter_rows(min_row=3):
        if row[4].value == "dup" and prev is not None:
            row[4].value = prev
        prev = row[4].value
    wb.save(path)


if __name__ == "__main__":
    sys.exit(main())
