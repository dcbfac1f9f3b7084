"""Shared pytest set-up: doctests see ``np``, ``nx`` and ``pd`` like networkx's do; one
hypothesis profile for every property test.

Profiles: ``ci`` (chosen when ``CI=true``) draws the same examples on every run and never
fails because a loaded machine is slow; ``dev`` (the default) draws new examples each run,
also without a deadline, because six processes share two cores here. Tests set only
``max_examples`` where they need a different count; ``HYPOTHESIS_PROFILE`` overrides the choice.
"""

import os

import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("dev", max_examples=50, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev"))


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace.update(np=np, nx=nx, pd=pd)
