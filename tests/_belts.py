"""Random belts for the simulation's property tests (``tests/`` is on ``sys.path`` under pytest)."""

from __future__ import annotations

from hypothesis import strategies as st

from ecosystem import Ecosystem
from ecosystem.simulation import Policy


def policies(max_window: int):
    """Every forecaster: moving averages of 2 to ``max_window`` periods (with and without a
    safety factor) and of one period, exponential smoothing, base stock and AR(1)."""
    return st.one_of(
        st.builds(Policy, st.just("moving_average"), window=st.integers(2, max_window),
                  z=st.sampled_from([0.0, 1.3])),
        st.builds(Policy, st.just("moving_average"), window=st.just(1), z=st.just(0.0)),
        st.builds(Policy, st.just("exponential_smoothing"), alpha=st.floats(0.05, 1.0),
                  z=st.sampled_from([0.0, 0.8])),
        st.builds(Policy, st.just("base_stock"), z=st.floats(0.0, 2.0)),
        st.builds(Policy, st.just("ar1"), z=st.floats(0.0, 2.0)))


def draw_policies(data, members: list[str], strategy) -> dict:
    """A default policy and policies of their own for some of ``members``."""
    policy = {None: data.draw(strategy, label="default policy")}
    for member in data.draw(st.lists(st.sampled_from(members), unique=True), label="own"):
        policy[member] = data.draw(strategy, label=member)
    return policy


@st.composite
def random_belts(draw):
    """Tiers of suppliers and manufacturers, a carrier (sometimes with a capacity) and
    markets, some served directly; first-tier members sometimes have a capacity."""
    eco = Ecosystem("random")
    tiers = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    previous: list[str] = []
    for depth, width in enumerate(tiers):
        current = []
        for k in range(width):
            name = f"t{depth}_{k}"
            eco.add_member(name, "supplier" if depth == 0 else "manufacturer",
                           **({"capacity": draw(st.floats(5, 80))} if depth == 0 and
                              draw(st.booleans()) else {}))
            current.append(name)
            if previous:
                chosen = draw(st.lists(st.sampled_from(previous), min_size=1, unique=True))
                for supplier in chosen:
                    eco.link(supplier, name, "logistics", volume=draw(st.floats(1, 50)),
                             lead_time=draw(st.integers(0, 3)),
                             unit_cost=draw(st.floats(0, 1)))
        previous = current
    eco.add_member("carrier", "logistics", **({"capacity": draw(st.floats(10, 100))}
                                              if draw(st.booleans()) else {}))
    for k in range(draw(st.integers(1, 3))):
        eco.add_member(f"m{k}", "market", margin=draw(st.floats(0.5, 10)))
        eco.link("carrier", f"m{k}", "logistics", volume=draw(st.floats(1, 40)),
                 lead_time=draw(st.integers(0, 2)), unit_cost=draw(st.floats(0, 2)))
        if draw(st.booleans()):
            eco.link(previous[0], f"m{k}", "logistics", volume=draw(st.floats(1, 40)),
                     lead_time=draw(st.integers(0, 3)))
    for name in previous:
        eco.link(name, "carrier", "logistics", volume=draw(st.floats(1, 40)),
                 lead_time=draw(st.integers(0, 2)), unit_cost=draw(st.floats(0, 1)))
    return eco
