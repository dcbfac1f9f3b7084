"""Shared pytest set-up: doctests see ``np``, ``nx`` and ``pd`` like networkx's do."""

import matplotlib

matplotlib.use("Agg")

import networkx as nx
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace.update(np=np, nx=nx, pd=pd)
