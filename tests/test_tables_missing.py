"""What the tables read as missing is what they store as missing (link-number columns)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import Ecosystem
from ecosystem.taxonomy import LINK_NUMERIC_ATTRIBUTES

_MISSING = [None, np.nan, pd.NA]


def _attributes(eco: Ecosystem) -> dict:
    return {(u, v, k): dict(d) for u, v, k, d in eco.links(data=True)}


def _members() -> Ecosystem:
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(6)], "role": "supplier"}))
    return eco


def test_none_in_a_volume_column_is_no_volume():
    eco = _members()
    eco.add_links_from(pd.DataFrame({
        "source": ["m0", "m1"], "target": ["m1", "m2"], "flow": "logistics",
        "volume": pd.Series([None, 2.0], dtype=object),
        "lead_time": pd.Series([1, None], dtype=object)}))
    assert _attributes(eco) == {("m0", "m1", "logistics"): {"lead_time": 1},
                                ("m1", "m2", "logistics"): {"volume": 2.0}}
    # the same links added one at a time, leaving the missing values out
    one_by_one = _members()
    one_by_one.link("m0", "m1", "logistics", lead_time=1)
    one_by_one.link("m1", "m2", "logistics", volume=2.0)
    assert eco == one_by_one


def test_none_in_other_link_columns_stays_a_value():
    eco = _members()
    eco.add_links_from(pd.DataFrame({"source": ["m0"], "target": ["m1"], "flow": "capital",
                                     "note": pd.Series([None], dtype=object)}))
    assert _attributes(eco) == {("m0", "m1", "capital"): {"note": None}}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(LINK_NUMERIC_ATTRIBUTES)),
                          st.one_of(st.sampled_from(_MISSING), st.integers(0, 5),
                                    st.floats(0, 1))),
                min_size=1, max_size=5))
def test_link_number_columns_drop_exactly_what_reads_as_missing(cells):
    # one link per cell, each with one attribute value or a missing marker
    eco = _members()
    rows = [{"source": f"m{i % 6}", "target": f"m{(i + 1) % 6}",
             "flow": ("information", "logistics", "capital", "technology", "logistics")[i],
             name: value} for i, (name, value) in enumerate(cells)]
    try:
        eco.add_links_from(rows)
    except Exception:  # a value the rules refuse (a lead time of 0.5): nothing to compare
        return
    got = _attributes(eco)
    for row in rows:  # a plain loop over the rows: what reads as missing is left out
        expected = {k: v for k, v in row.items() if k not in ("source", "target", "flow")
                    and not (v is None or v is pd.NA or (isinstance(v, float) and v != v))}
        assert got[row["source"], row["target"], row["flow"]] == expected
    # and back through the tables: the same ecosystem
    members, links = eco.to_pandas()
    assert Ecosystem.from_pandas(members, links) == eco


if __name__ == "__main__":
    pytest.main([__file__])
