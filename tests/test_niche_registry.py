"""The overlap-index registry is what the code does: symmetry, needs, null model, CLI."""

import numpy as np
import pytest

from ecosystem import ParameterError
from ecosystem.cli import build_parser
from ecosystem.niche import (INDEX_ALIASES, NULL_INDICES, OVERLAP_INDICES, OVERLAP_METHODS,
                             SYMMETRIC_METHODS, competition_layer, null_model, overlap)

RNG = np.random.default_rng(3)
COUNTS = RNG.integers(1, 6, size=(6, 4)).astype(float)  # whole counts >= 2 per member


@pytest.mark.parametrize("name", list(OVERLAP_INDICES))
def test_symmetric_means_symmetric(name):
    info = OVERLAP_INDICES[name]
    options = {"availability": np.ones(4)} if info.needs_availability else {}
    matrix = overlap(COUNTS, name, **options)
    assert np.allclose(matrix, matrix.T) == info.symmetric
    layer = competition_layer(COUNTS, name, threshold=0.0, **options)
    assert layer.is_directed() != info.symmetric


def test_needs_are_enforced():
    with pytest.raises(ParameterError, match="integer counts"):
        overlap(COUNTS / 7, "morisita")
    with pytest.raises(ParameterError, match="availability is only used by index='hurlbert'"):
        overlap(COUNTS, "pianka", availability=np.ones(4))


def test_lists_derive_from_the_registry():
    assert OVERLAP_METHODS == tuple(OVERLAP_INDICES)
    assert set(SYMMETRIC_METHODS) == {n for n, i in OVERLAP_INDICES.items() if i.symmetric}
    assert INDEX_ALIASES["schoener"] == "czekanowski"
    for name in OVERLAP_INDICES:
        if name in NULL_INDICES:
            assert null_model(COUNTS, index=name, replications=3, seed=0).index == name
        else:
            with pytest.raises(ParameterError, match=f"index '{name}' is not one of"):
                null_model(COUNTS, index=name, replications=3, seed=0)


def test_cli_offers_the_indices_a_spec_can_feed():
    parser = build_parser()
    niche = parser._subparsers._group_actions[0].choices["niche"]
    choices = next(a.choices for a in niche._actions if "--index" in a.option_strings)
    assert list(choices) == [n for n, i in OVERLAP_INDICES.items() if not i.needs_availability]
