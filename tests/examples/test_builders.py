"""The generated example scenarios: deterministic, the right scale, internally consistent."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from intplan.domain import AGE_BANDS, IntplanError, Scenario
from intplan.examples import TEMPLATES, build_dorset_bcp, build_kent_medway, load_template


@pytest.fixture(scope="module")
def km() -> Scenario:
    return build_kent_medway()


@pytest.fixture(scope="module")
def dorset() -> Scenario:
    return build_dorset_bcp()


def _connected(s: Scenario) -> bool:
    seen = {s.ints[0].code}
    stack = [s.ints[0].code]
    while stack:
        for other, _ in s.neighbours(stack.pop()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen == {i.code for i in s.ints}


@pytest.mark.parametrize("builder", [build_kent_medway, build_dorset_bcp])
def test_builders_are_deterministic(builder: object, km: Scenario, dorset: Scenario) -> None:
    first = km if builder is build_kent_medway else dorset
    again = builder()  # type: ignore[operator]
    assert again == first
    assert again.staff == first.staff  # the largest table, compared explicitly


def test_kent_medway_scale(km: Scenario) -> None:
    assert len(km.hcps) == 4
    assert len(km.pcns) == 42
    assert len(km.practices) == 184
    assert 1_850_000 <= km.population <= 1_950_000
    assert 50 <= len(km.ints) <= 58
    assert 12_000 <= len(km.staff) <= 16_000
    assert "illustrative" in km.name.lower() and "not real data" in km.notes


def test_every_practice_in_exactly_one_int(km: Scenario, dorset: Scenario) -> None:
    for s in (km, dorset):
        owners = Counter(p for i in s.ints for p in i.practices)
        assert set(owners) == {p.code for p in s.practices}
        assert set(owners.values()) == {1}


def test_some_pcns_split_into_two_or_three_ints(km: Scenario) -> None:
    ints_per_pcn = Counter(km.practice_by_code[i.practices[0]].pcn for i in km.ints)
    splits = [n for n in ints_per_pcn.values() if n > 1]
    assert 4 <= len(splits) <= 8
    assert set(splits) <= {2, 3}


def test_adjacency_is_connected_with_plausible_travel(km: Scenario, dorset: Scenario) -> None:
    for s in (km, dorset):
        assert _connected(s)
        assert all(0 < a.travel_minutes < 90 for a in s.adjacencies)
    assert 100 <= len(km.adjacencies) <= 170


def test_staff_fte_follows_reference_ratios(km: Scenario) -> None:
    fte: defaultdict[str, float] = defaultdict(float)
    for person in km.staff:
        fte[person.role] += person.fte
    for role in km.roles:
        assert role.population_per_fte is not None
        expected = km.population / role.population_per_fte
        assert fte[role.code] == pytest.approx(expected, rel=0.05), role.code


def test_every_person_is_assigned_by_the_simple_rules(km: Scenario) -> None:
    rules = Counter(a.rule for s in km.staff for a in s.assignments)
    assert set(rules) == {"practice", "pcn_share", "team_share"}
    for person in km.staff:
        assert person.assignments
        assert sum(a.fte for a in person.assignments) == pytest.approx(person.fte, abs=1e-6)
        if person.base_kind.value == "practice":
            assert person.ints == (km.int_of_practice[person.base],)


def test_vacancies_and_real_employer_names(km: Scenario) -> None:
    vacant = sum(s.vacant for s in km.staff) / len(km.staff)
    assert 0.03 < vacant < 0.15
    employers = {s.employer for s in km.staff}
    for name in (
        "HCRG Care Group",
        "KCHFT",
        "MCH",
        "KMPT",
        "Kent County Council",
        "Medway Council",
    ):
        assert any(name in e for e in employers), name


def test_age_mix_and_deprivation(km: Scenario) -> None:
    totals = [sum(p.list_by_age[i] for p in km.practices) for i in range(len(AGE_BANDS))]
    shares = [t / km.population for t in totals]
    for got, england in zip(shares, (0.20, 0.61, 0.10, 0.065, 0.025), strict=True):
        assert got == pytest.approx(england, abs=0.02)

    def mean_decile(hcp: str) -> float:
        ps = [p for p in km.practices if km.pcn_by_code[p.pcn].hcp == hcp]
        return sum(p.deprivation_decile for p in ps) / len(ps)

    assert mean_decile("WK") > mean_decile("MS") + 2  # West Kent less deprived (seed 000:1191)
    assert len({p.deprivation_decile for p in km.practices}) >= 8


def test_dorset_bcp(dorset: Scenario) -> None:
    assert [h.code for h in dorset.hcps] == ["BCP"]
    assert [i.name for i in dorset.ints] == [
        "Poole Central",
        "Shore Medical",
        "Poole Bay & Bournemouth",
        "Castleman",
        "South Coast Medical",
        "North Bournemouth",
        "Central Bournemouth",
        "Christchurch",
        "Bournemouth East",
    ]
    castleman = dorset.int_by_code["INT-CAS"]
    assert len({dorset.practice_by_code[p].pcn for p in castleman.practices}) == 3
    assert dorset.population == pytest.approx(465_000, rel=0.02)
    assert any("DHC" in s.employer for s in dorset.staff)
    assert any(s.employer == "BCP Council" for s in dorset.staff)


def test_templates_registry() -> None:
    assert set(TEMPLATES) == {"kent-medway", "dorset-bcp", "tiny"}
    assert load_template("tiny").name == "Tiny (illustrative)"
    with pytest.raises(IntplanError, match="kent-medway"):
        load_template("narnia")
