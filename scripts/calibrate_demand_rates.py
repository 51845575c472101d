"""Calibrate resources/demand_rates.csv and referrals.csv so totals match their anchors.

    .venv/bin/python scripts/calibrate_demand_rates.py [--check]

Each demand row keeps its anchor (`anchor_per_1000_per_week`: the national figure for ALL
of the activity's contacts, however they arrive) and gets a base rate
(`per_1000_per_week`: what the simulator starts as new episodes) of anchor × k, where
1 − k is the share of the activity's contacts that arrive by referral or re-presentation
(intplan.examples.referral_flow, on England's age mix). Where the referral routes into an
activity would bring more than its plausible referred share (`REFERRED_SHARE`), their
probabilities are scaled down to bring that share. Then run scripts/build_examples.py.

Re-running it changes nothing unless an anchor, a referral or a share changed.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys

import numpy as np
from numpy.typing import NDArray

from intplan.domain import AGE_BANDS, ActivityKind, Referral, Settings
from intplan.examples._build import ENGLAND_AGE_MIX
from intplan.examples.referral_flow import referred_contacts
from intplan.io.reference import load_reference, resources_dir

ANCHOR = "anchor_per_1000_per_week"
#: marks the generated part of a source text (replaced on each run)
MARK = " | calibrated: "
#: referral probabilities are rounded to two figures: a share this far over is left alone
TOLERANCE = 1.05
#: the most of an activity's contacts that referrals may bring, and why
REFERRED_SHARE: dict[str, tuple[float, str]] = {
    "UCR": (
        0.3,
        "assumption: general practice is one of several UCR referral sources with NHS 111, "
        "ambulance services, care homes and community teams (NHS England UCR guidance 2022)",
    ),
    "CCE": (
        0.5,
        "assumption: half of complex-care episodes start from a referral, half from "
        "case-finding (risk stratification, MDT review)",
    ),
    "CGA": (
        0.5,
        "assumption: half of frailty assessments follow a home visit or crisis, half "
        "come from eFI case-finding",
    ),
    "MHA": (0.5, "assumption: about half of community MH assessments are GP referrals"),
    "MHF": (1.0, "MH follow-up comes only after an MH assessment (its anchor is half of them)"),
    "TT": (
        0.35,
        "assumption: most NHS Talking Therapies referrals are self-referrals; about a "
        "third come from GPs and MH services",
    ),
    "SCA": (
        0.5,
        "assumption: about half of requests for adult social care come through "
        "community health and care contacts, the rest from hospital discharge, self and family",
    ),
    "SPL": (
        0.35,
        "the link-worker part of SPL (~1.5 of its 4.3 per 1,000 a week) is referred by "
        "general practice and social care; CHWW proactive visits are not referrals",
    ),
    "SMR": (
        0.5,
        "assumption: half of SMRs follow a clinical contact, half are invitations to "
        "people on many medicines",
    ),
}


def _sig2(x: float) -> float:
    """Two significant figures (probabilities stay readable)."""
    return float(f"{x:.2g}")


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (resources_dir() / name).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(name: str, fields: list[str], rows: list[dict[str, str]]) -> None:
    with (resources_dir() / name).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _england(rates: dict[tuple[str, str], float], act: str) -> float:
    return sum(
        rates.get((act, b), 0.0) * w for b, w in zip(AGE_BANDS, ENGLAND_AGE_MIX, strict=True)
    )


def _num(x: float) -> str:
    return f"{round(x, 3):g}"


def calibrate() -> tuple[list[str], list[dict[str, str]], list[str], list[dict[str, str]]]:
    ref = load_reference()
    d_fields, d_rows = _read("demand_rates.csv")
    r_fields, r_rows = _read("referrals.csv")
    if ANCHOR not in d_fields:  # first run: today's rates are the anchors
        d_fields.insert(d_fields.index("per_1000_per_week") + 1, ANCHOR)
        for row in d_rows:
            row[ANCHOR] = row["per_1000_per_week"]
    anchors = {(r["activity"], r["age_band"]): float(r[ANCHOR]) for r in d_rows}
    types = [a for a in ref.activities if a.kind is ActivityKind.PATIENT]
    acts = tuple(a.code for a in types)
    settings = Settings()
    anchor = np.array([_england(anchors, a) for a in acts])

    def inflow(referrals: tuple[Referral, ...]) -> NDArray[np.float64]:
        return referred_contacts(types, referrals, settings, anchor)

    # scale the routes into an over-fed activity down to its referred share
    referrals = list(ref.referrals)
    notes: dict[int, str] = {}
    before = inflow(tuple(referrals))
    for k, act in enumerate(acts):
        share, why = REFERRED_SHARE.get(act, (1.0, ""))
        if before[k] <= share * anchor[k] * TOLERANCE:
            continue
        factor = share * anchor[k] / before[k]
        for n, r in enumerate(referrals):
            if r.to_activity == act:
                p = _sig2(r.probability * factor)
                referrals[n] = dataclasses.replace(r, probability=p)
                notes[n] = (
                    f"probability {r.probability:g} x {factor:.2f} = {p:g}, so that referrals "
                    f"bring {share:.0%} of {act} contacts ({why})"
                )
    for n, row in enumerate(r_rows):
        row["probability"] = f"{referrals[n].probability:g}"
        if n in notes:
            row["source"] = row["source"].split(MARK)[0] + MARK + notes[n]
    # the base is what referrals and re-presentations do not bring
    came = inflow(tuple(referrals))
    for k, act in enumerate(acts):
        keep = max(0.0, 1.0 - came[k] / anchor[k]) if anchor[k] > 0 else 1.0
        routes = sorted({r.from_activity for r in referrals if r.to_activity == act})
        if act == settings.represent_activity:
            routes.append("re-presentations")
        for row in d_rows:
            if row["activity"] != act:
                continue
            row["per_1000_per_week"] = _num(float(row[ANCHOR]) * keep)
            text = row["source"].split(MARK)[0]
            if routes:
                text += (
                    f"{MARK}anchor {anchor[k]:.2f} per 1,000 a week on England's age mix = all "
                    f"{act} contacts, referred or not; base = anchor x {keep:.3f}: the expected "
                    "referrals from "
                    f"{', '.join(routes)} (per episode) bring the other {came[k]:.2f} "
                    "(scripts/calibrate_demand_rates.py)"
                )
            row["source"] = text
    return d_fields, d_rows, r_fields, r_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files would change")
    args = parser.parse_args(argv)
    d_fields, d_rows, r_fields, r_rows = calibrate()
    if args.check:
        same = _read("demand_rates.csv") == (d_fields, d_rows) and _read("referrals.csv") == (
            r_fields,
            r_rows,
        )
        print("calibrated" if same else "NOT calibrated: run scripts/calibrate_demand_rates.py")
        return 0 if same else 1
    _write("demand_rates.csv", d_fields, d_rows)
    _write("referrals.csv", r_fields, r_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
