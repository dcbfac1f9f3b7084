"""One BLAS thread inside the calls that make many small linear-algebra calls.

Each test starts from two BLAS threads (set here, so the test means something on a
machine whose environment already asks for one), records the thread count the
library sees while the hot call runs, and checks the setting is back afterwards.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import ecosystem.dynamics._goh as goh_module
from ecosystem._threads import one_blas_thread, single_blas_thread
from ecosystem.dynamics import generalized_lv, goh_certificate


def _blas_threads():
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


@pytest.fixture
def two_threads():
    if not _blas_threads():
        pytest.skip("no BLAS library that threadpoolctl can see")
    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == {2}
        yield
        assert _blas_threads() == {2}  # restored on the way out


@pytest.fixture
def record_eigh(monkeypatch):
    seen = []
    eigh = np.linalg.eigh

    def recording(matrix, *args, **kwargs):
        seen.append(frozenset(_blas_threads()))
        return eigh(matrix, *args, **kwargs)

    monkeypatch.setattr(goh_module.np.linalg, "eigh", recording)
    return seen


def _needs_the_search():
    # not symmetric and not Metzler, so the closed forms fail and the search runs eigh
    return np.array([[-1.0, -4.0], [0.5, -1.0]])


def test_goh_search_runs_on_one_thread(two_threads, record_eigh):
    cert = goh_certificate(_needs_the_search())
    assert cert.found and record_eigh and set(record_eigh) == {frozenset({1})}


def test_generalized_lv_runs_on_one_thread(two_threads, record_eigh):
    fit = generalized_lv(_needs_the_search(), r=[1.0, 1.0], t_end=1.0, n_points=3)
    assert fit.goh.found and set(record_eigh) == {frozenset({1})}


def test_the_limit_is_lifted_after_an_error(two_threads):
    @single_blas_thread
    def fails():
        assert _blas_threads() == {1}
        raise ValueError("inside")

    with pytest.raises(ValueError, match="inside"):
        fails()
    assert _blas_threads() == {2}


def test_nested_limits_restore_the_outer_one(two_threads):
    with one_blas_thread():
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == {1}
    assert _blas_threads() == {2}


def test_the_decorator_keeps_the_name_and_text():
    assert goh_certificate.__name__ == "goh_certificate"
    assert "Goh" in goh_certificate.__doc__ or "diagonal D" in goh_certificate.__doc__
    assert generalized_lv.__wrapped__.__name__ == "generalized_lv"


def test_glv_states_the_memory_of_its_n_by_n_matrices_first(monkeypatch):
    from ecosystem._errors import MemoryNeedError
    a = -np.eye(40)
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", str(6 * 8 * 40 * 40 - 1))
    with pytest.raises(MemoryNeedError, match="goh=False") as error:
        generalized_lv(a, t_end=1.0, n_points=2)
    assert "40 populations" in str(error.value) and "\n" not in str(error.value)
    assert generalized_lv(a, t_end=1.0, n_points=2, goh=False).goh.status == "skipped"


def test_the_interaction_matrix_states_its_memory_first(monkeypatch):
    import networks
    from ecosystem._errors import MemoryNeedError
    from ecosystem.dynamics import interaction_matrix
    eco = networks.industrial_belt(60, seed=1)
    n = len(interaction_matrix(eco))
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", str(5 * 8 * n * n - 1))
    with pytest.raises(MemoryNeedError, match="members="):
        interaction_matrix(eco)
