"""Reading is bounded and numbers stay meaningful: hostile files are refused in one line
naming the place, huge parameters state their memory need, NaN and infinity come with a
warning that names the cause."""

import warnings

import numpy as np
import pytest

from ecosystem import Ecosystem, ParameterError, SpecError, bullwhip, flows
from ecosystem._errors import MemoryNeedError, NumericalWarning
from ecosystem._spec import MAX_DEPTH
from ecosystem.files import load, save

HEAD = "ecobelt: 1\nmembers:\n  - {id: m1, role: manufacturer, x: VALUE}\n"


def load_text(tmp_path, text, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_the_yaml_alias_bomb_is_refused_at_once(tmp_path):
    # nine levels of nine aliases: 9**9 strings once expanded (a few hundred bytes of YAML)
    lines = ["ecobelt: 1", "attributes:", "  l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    text = "\n".join(lines + ["members: []", ""])
    assert len(text) < 800
    with pytest.raises(SpecError, match=r"line 3, column \d+: aliases \(\*name\) are not allowed"):
        load_text(tmp_path, text)


def test_a_single_alias_is_refused_and_anchors_alone_are_fine(tmp_path):
    with pytest.raises(SpecError, match="aliases"):
        load_text(tmp_path, "ecobelt: 1\nattributes: {a: &x 1, b: *x}\n")
    assert load_text(tmp_path, "ecobelt: 1\nattributes: {a: &x 1}\n").graph.graph["a"] == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000, 200_000])
def test_deep_flow_nesting_is_refused(tmp_path, depth):
    with pytest.raises(SpecError, match=f"nested deeper than {MAX_DEPTH} levels"):
        load_text(tmp_path, HEAD.replace("VALUE", "[" * depth + "]" * depth))


def test_deep_block_nesting_is_refused(tmp_path):
    text = "ecobelt: 1\nmembers:\n  - id: m1\n    role: manufacturer\n    x:\n      " + \
        "- " * 20_000 + "1\n"
    # our own depth check, or libyaml's where its C loader stops first: refused in one line
    with pytest.raises(SpecError, match="nested deeper|nesting depth"):
        load_text(tmp_path, text)


def test_nesting_within_the_cap_loads(tmp_path):
    value = "[" * 50 + "1" + "]" * 50
    x = load_text(tmp_path, HEAD.replace("VALUE", value)).member("m1")["x"]
    for _ in range(50):
        x = x[0]
    assert x == 1


def test_deep_json_is_refused_with_the_place(tmp_path):
    text = ('{"ecobelt": 1, "members": [{"id": "m1", "role": "manufacturer", "x": '
            + "[" * 150 + "]" * 150 + "}]}")
    with pytest.raises(SpecError, match=r"members\[0\]\.x: nested deeper than 100 levels"):
        load_text(tmp_path, text, "spec.json")
    text = text.replace("[" * 150, "[" * 100_000).replace("]" * 150, "]" * 100_000)
    with pytest.raises(SpecError, match="nested deeper"):
        load_text(tmp_path, text, "spec.json")


@pytest.mark.parametrize("tag", ["!!set {a, b}", "!!binary aGVsbG8=", "!!timestamp 2020-01-01",
                                 "!!omap [a: 1]", "!!pairs [a: 1]", "!custom 3",
                                 "!!python/tuple [1, 2]"])
def test_yaml_tags_for_values_json_cannot_hold_are_refused(tmp_path, tag):
    with pytest.raises(SpecError, match=r"line 3, column \d+: the tag .* is not allowed"):
        load_text(tmp_path, HEAD.replace("VALUE", tag))


def test_plain_tags_still_work(tmp_path):
    member = load_text(tmp_path, HEAD.replace("VALUE", "!!str 007")).member("m1")
    assert member["x"] == "007"


@pytest.mark.parametrize("digits", [400, 5000])
def test_integers_beyond_float_range_are_refused(tmp_path, digits):
    with pytest.raises(SpecError, match="beyond the range of floating-point numbers"):
        load_text(tmp_path, HEAD.replace("VALUE", "9" * digits))
    text = ('{"ecobelt": 1, "members": [{"id": "m1", "role": "manufacturer", "x": [1, '
            + "9" * digits + "]}]}")
    with pytest.raises(SpecError, match="beyond the range of floating-point numbers"):
        load_text(tmp_path, text, "spec.json")


def test_a_huge_integer_volume_names_the_link(tmp_path):
    text = ('{"ecobelt": 1, "members": [{"id": "a", "role": "supplier"}, '
            '{"id": "b", "role": "manufacturer"}], "links": [{"source": "a", "target": "b", '
            '"flow": "logistics", "volume": ' + "1" + "0" * 400 + "}]}")
    with pytest.raises(SpecError, match=r"links\[0\]\.volume: an integer beyond the range"):
        load_text(tmp_path, text, "spec.json")


def test_the_largest_integer_a_float_holds_loads(tmp_path):
    big = int(np.finfo(float).max)
    assert load_text(tmp_path, HEAD.replace("VALUE", str(big))).member("m1")["x"] == big


def test_values_of_other_types_are_refused_when_built_from_python(tmp_path):
    from ecosystem._spec import from_spec
    data = {"ecobelt": 1, "members": [{"id": "m1", "role": "manufacturer", "x": {1, 2}}]}
    with pytest.raises(SpecError, match=r"members\[0\]\.x: values are strings.*not set"):
        from_spec(data)


@pytest.mark.parametrize("extension", ["json", "yaml", "csv", "graphml", "gexf"])
def test_a_lone_surrogate_is_saved_or_refused_before_the_file_is_touched(tmp_path, extension):
    eco = Ecosystem("s")
    eco.add_member("m1", "manufacturer", note="a\ud800b")
    path = tmp_path / f"s.{extension}"
    try:
        save(eco, path)
    except SpecError:
        assert not list(tmp_path.iterdir())
        return
    assert load(path).member("m1")["note"] == "a\ud800b"


def test_yaml_rows_keep_every_float(tmp_path):
    values = [1e-05, 1e+20, 5e-324, 1.7976931348623157e308, -0.0, 1.5e300, float("inf"),
              float("-inf"), 0.1, 123456789.0, 1e16]
    eco = Ecosystem("f")
    eco.add_member("m1", "manufacturer", x=values, y="1e5", z="NaN", w="x Infinity 3e5")
    save(eco, tmp_path / "f.yaml")
    back = load(tmp_path / "f.yaml").member("m1")
    assert back["x"] == values and [str(v) for v in back["x"]] == [str(v) for v in values]
    assert (back["y"], back["z"], back["w"]) == ("1e5", "NaN", "x Infinity 3e5")
    assert np.isnan(load_text(tmp_path, HEAD.replace("VALUE", ".nan")).member("m1")["x"])


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize("call", [
    lambda: bullwhip.simulate(4, periods=10 ** 9, replications=1000),
    lambda: bullwhip.simulate(4, lead_time=10 ** 7, replications=1000, periods=100),
    lambda: bullwhip.beer_game(weeks=10 ** 10),
])
def test_huge_sizes_state_their_memory_need_before_allocating(call):
    with pytest.raises(MemoryNeedError, match=r"needs [\d.]+ [KMGT]iB but .* is available; "):
        call()


def test_the_memory_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    with pytest.raises(MemoryNeedError, match="use fewer replications or periods"):
        bullwhip.simulate(1, replications=200, periods=1000)
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    with pytest.raises(MemoryNeedError, match="take fewer steps, or use the steady state"):
        flows.propagate(eco, {("a", "logistics"): 1.0}, steps=100_000)
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1G")
    assert bullwhip.simulate(1, replications=20, periods=100, seed=1).ratio.notna().all()


def test_constant_demand_warns_why_the_ratios_are_nan():
    with pytest.warns(NumericalWarning, match=r"4 of 4 stages have NaN .* \(sigma is 0\)"):
        result = bullwhip.simulate(4, demand=bullwhip.Demand.normal(100, 0), replications=5,
                                   periods=50, seed=1)
    assert result.ratio.isna().all()


def test_too_few_periods_warn():
    with pytest.warns(NumericalWarning, match="only 2 periods"):
        bullwhip.simulate(2, replications=20, periods=2, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalWarning)
        bullwhip.simulate(2, replications=20, periods=100, seed=1)


def triangle(volume):
    eco = Ecosystem()
    for member, role in (("a", "supplier"), ("b", "manufacturer"), ("m", "market")):
        eco.add_member(member, role)
    eco.link("a", "b", "logistics", volume=volume)
    eco.link("a", "m", "logistics", volume=volume)
    eco.link("b", "m", "logistics", volume=volume)
    return eco


@pytest.mark.parametrize("volume", [5e-324, 1e-310, 1.7e308])
def test_extreme_volumes_give_the_shares_of_ordinary_ones(volume):
    # only the shares of each member's out-volume matter: the same as volumes of 1
    injection = {("a", "logistics"): 1.0}
    reference = flows.propagate(triangle(1.0), injection, steps=3)
    expected = flows.steady_state(triangle(1.0), injection).levels
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalWarning)
        run = flows.propagate(triangle(volume), injection, steps=3)
        state = flows.steady_state(triangle(volume), injection)
    assert np.isfinite(run.array).all()
    np.testing.assert_allclose(run.array, reference.array, rtol=1e-12)
    np.testing.assert_allclose(state.levels.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_nan_levels_come_with_a_warning():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", volume=1.0)
    eco.link("b", "a", "logistics", volume=1.0)
    with pytest.warns(NumericalWarning, match="NaN or infinite"):
        run = flows.propagate(eco, {("a", "logistics"): 1e308}, steps=4, damping=0.9,
                              conversion=np.eye(4), pulse=False)
    assert not np.isfinite(run.array).all()


def test_check_allocation_is_a_parameter_error():
    assert issubclass(MemoryNeedError, ParameterError)


@pytest.mark.parametrize("extension", ["graphml", "gexf", "csv", "yaml", "json"])
def test_attribute_names_with_control_characters_read_back(tmp_path, extension):
    eco = Ecosystem()
    eco.add_member("m1", "supplier", **{"a\x01b": 1, '"q"': 2, 'ecobelt"x': 3, "label": 4})
    eco.add_member("m2", "platform")
    eco.link("m1", "m2", "logistics", **{"v\x02": "x"})
    save(eco, tmp_path / f"names.{extension}")
    assert load(tmp_path / f"names.{extension}") == eco


@pytest.mark.parametrize("scale", [1e160, 1e300, 1e-160, 1e-300, 5e-324])
@pytest.mark.parametrize("index", ["pianka", "czekanowski", "morisita_horn", "horn",
                                   "macarthur_levins"])
def test_the_null_model_at_extreme_volumes_gives_the_ordinary_result(scale, index):
    from ecosystem.niche import null_model

    # uses of 0-4 times the scale: the shares are exactly those of the plain counts
    uses = np.random.default_rng(0).integers(0, 5, (8, 6)).astype(float)
    plain = null_model(uses, "ra3", index=index, replications=40, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither overflow nor division by zero
        scaled = null_model(uses * scale, "ra3", index=index, replications=40, seed=1)
    assert 0 <= scaled.observed <= 1
    assert scaled.observed == pytest.approx(plain.observed, rel=1e-12)
    np.testing.assert_allclose(scaled.simulated, plain.simulated, rtol=1e-12)


def test_infinite_summary_totals_warn_with_their_cause():
    eco = triangle(1.7e308)
    with pytest.warns(NumericalWarning, match=r"3 volume total\(s\) are infinite, first the "
                      r"logistics total of ring 'core': finite volumes \(the largest 1\.7e\+308\)"
                      r" add up beyond the largest float"):
        table = eco.summary()
    assert table.loc[("role", "manufacturer"), "logistics"] == 1.7e308
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalWarning)
        total = triangle(5e307).summary().loc[("flow", "logistics"), "logistics"]
    assert total == pytest.approx(1.5e308, rel=1e-15)
