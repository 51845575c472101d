"""The sweep parameter table: parsing --vary, applying a variant (pure), checking keys."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from intplan.domain import Scenario
from intplan.domain.demand import Patience
from intplan.services.sweep_params import (
    PARAMETERS,
    SweepParameterError,
    apply_variant,
    baseline_value,
    check_varies,
    parse_vary,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sweep.md"


def test_parse_gives_name_key_range_and_steps() -> None:
    v = parse_vary("demand_scale[SDC]=0.8:1.2:5")
    assert (v.name, v.key, v.low, v.high, v.steps) == ("demand_scale", "SDC", 0.8, 1.2, 5)
    assert v.label == "demand_scale[SDC]"
    assert v.levels(2) == pytest.approx((0.8, 0.9, 1.0, 1.1, 1.2))
    g = parse_vary("growth=-1:2")
    assert (g.key, g.steps, g.levels(2)) == (None, None, (-1.0, 2.0))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("speed=1:2", "unknown parameter 'speed'; choose one of growth, demand_scale"),
        ("growth", "write NAME=LOW:HIGH"),
        ("growth=2:1", "LOW must be below HIGH"),
        ("growth=1:1", "LOW must be below HIGH"),
        ("growth=0:20", "growth must stay within -10 to 10 % per year"),
        ("growth=a:2", "LOW 'a' is not a number"),
        ("growth=0:nan", "HIGH must be a finite number"),
        ("growth=0:1:1", "STEPS must be from 2 to 21"),
        ("growth=0:1:x", "STEPS 'x' is not a whole number"),
        ("growth=0:1:2:3", "give LOW:HIGH or LOW:HIGH:STEPS"),
        ("growth[SDC]=0:1", "growth takes no [KEY]"),
        ("productive=0.5:0.9", "productive needs [ROLE]"),
        ("productive[GP]=0:0.9", "productive must stay within 0.05 to 1"),
        ("demand_scale[]=1:2", "empty [KEY]"),
    ],
)
def test_bad_vary_is_refused_with_what_would_be_right(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        parse_vary(text)


def test_applying_a_variant_returns_a_new_scenario_and_leaves_the_input(tiny: Scenario) -> None:
    before = dataclasses.replace(tiny)  # an equal copy to compare against
    values = [
        (parse_vary("growth=0:2"), 2.0),
        (parse_vary("demand_scale[SDC]=0.5:2"), 2.0),
        (parse_vary("productive[GP]=0.5:0.9"), 0.5),
        (parse_vary("fte_scale[PN]=0.5:1.5"), 0.5),
        (parse_vary("effect[HOUSEBOUND-MDT]=-50:0"), -50.0),
    ]
    out = apply_variant(tiny, values)
    assert tiny == before
    assert out.settings.annual_growth_pct == 2.0
    for new, old in zip(out.demand_rates, tiny.demand_rates, strict=True):
        factor = 2.0 if old.activity == "SDC" else 1.0
        assert new.per_1000_per_week == pytest.approx(old.per_1000_per_week * factor)
    assert out.role_by_code["GP"].productive_fraction == 0.5
    assert out.role_by_code["PN"].productive_fraction == tiny.role_by_code["PN"].productive_fraction
    for new_p, old_p in zip(out.staff, tiny.staff, strict=True):
        factor = 0.5 if old_p.role == "PN" else 1.0
        assert new_p.fte == pytest.approx(old_p.fte * factor)
        assert sum(a.fte for a in new_p.assignments) == pytest.approx(
            sum(a.fte for a in old_p.assignments) * factor
        )
    assert out.interventions[0].effect_pct == -50.0
    assert tiny.interventions[0].effect_pct != -50.0


def test_scales_without_a_key_apply_to_everything(tiny: Scenario) -> None:
    out = apply_variant(tiny, [(parse_vary("demand_scale=0.5:2"), 0.5)])
    for new, old in zip(out.demand_rates, tiny.demand_rates, strict=True):
        assert new.per_1000_per_week == pytest.approx(old.per_1000_per_week * 0.5)


def test_baselines_are_the_workbook_values(tiny: Scenario) -> None:
    assert baseline_value(parse_vary("growth=0:1"), tiny) == tiny.settings.annual_growth_pct
    assert baseline_value(parse_vary("demand_scale[SDC]=0.5:1"), tiny) == 1.0
    gp = tiny.role_by_code["GP"].productive_fraction
    assert baseline_value(parse_vary("productive[GP]=0.5:0.9"), tiny) == gp


def test_keys_the_workbook_lacks_and_switched_off_behaviour_are_input_problems(
    tiny: Scenario,
) -> None:
    varies = [
        parse_vary("demand_scale[XYZ]=0.5:1"),
        parse_vary("patience[SDC]=1:10"),
        parse_vary("booking_horizon[SDC]=1:10"),
        parse_vary("growth=0:1"),
        parse_vary("growth=0:2"),
    ]
    with pytest.raises(SweepParameterError) as e:
        check_varies(varies, tiny)
    text = str(e.value)
    assert "the workbook has no activity 'XYZ'; choose one of HV, LTC, MDT, SDC" in text
    assert "patience is switched off (Settings patience_enabled = 0)" in text
    assert "booking horizons are switched off" in text
    assert "growth is given more than once" in text


def test_patience_needs_a_shape_and_then_sets_the_mean(tiny: Scenario) -> None:
    on = dataclasses.replace(tiny, settings=dataclasses.replace(tiny.settings, patience_enabled=1))
    v = parse_vary("patience[SDC]=1:10")
    with pytest.raises(SweepParameterError, match="has no patience shape"):
        check_varies([v], on)
    acts = tuple(
        dataclasses.replace(a, patience=Patience.EXPONENTIAL, patience_mean_hours=4.0)
        if a.code == "SDC"
        else a
        for a in on.activities
    )
    shaped = dataclasses.replace(on, activities=acts)
    check_varies([v], shaped)
    assert apply_variant(shaped, [(v, 9.0)]).activity_by_code["SDC"].patience_mean_hours == 9.0


def test_a_value_the_scenario_rejects_is_reported_not_coerced(tiny: Scenario) -> None:
    # the largest tiny rate (118.8 per 1,000 a week) x 10 passes the 1,000 limit
    with pytest.raises(SweepParameterError, match="demand_scale = 10 makes the scenario invalid"):
        apply_variant(tiny, [(parse_vary("demand_scale=0.5:10"), 10.0)])


def test_a_high_end_the_scenario_rejects_is_found_before_the_run(tiny: Scenario) -> None:
    with pytest.raises(SweepParameterError, match="demand_scale = 10: "):
        check_varies([parse_vary("demand_scale=0.5:10")], tiny)


def test_docs_list_every_parameter_of_the_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for p in PARAMETERS:
        name = p.name if p.key is None else f"{p.name}[{p.key.upper()}]"
        assert f"| `{name}` | {p.what} | {p.unit} | {p.low:g} to {p.high:g} |" in text, name
