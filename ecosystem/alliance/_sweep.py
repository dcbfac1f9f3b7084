"""Scenario sweeps: parameters x alliances x seeds, in local processes or on Dask.

Every task is one combination of swept values and one seed: an
:func:`~ecosystem.alliance.compare` of every alliance (with the swept levers)
against the baseline (with the swept settings), on that seed's demand stream.
Each task is deterministic, so the same seeds give the same table on one
process, on a local process pool and on a Dask cluster.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..graph import Ecosystem
from ._config import Alliance
from ._simulated import _check, compare

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["sweep"]

_ALLIANCE_FIELDS = {f.name for f in fields(Alliance)} - {"name", "members"}
_SETTING_FIELDS = {"periods", "replications", "warmup", "holding", "backorder", "policy",
                   "demand", "rules", "players"}

_worker_ecosystem: Ecosystem | None = None  # the one copy each pool process keeps


def _remember(eco: Ecosystem) -> None:
    global _worker_ecosystem
    _worker_ecosystem = eco


class _Task(NamedTuple):
    """One combination of swept values and one seed."""

    alliances: tuple
    labels: dict
    seed: int
    options: dict

    @property
    def rows(self) -> int:
        return len(self.alliances) + 1


def _run_in_worker(task: _Task) -> list[dict[str, Any]]:
    assert _worker_ecosystem is not None, "the pool's initializer keeps the ecosystem"
    return _run(_worker_ecosystem, task)


def _run(eco: Ecosystem, task: _Task) -> list[dict[str, Any]]:
    """The task's rows: the comparison's flat table, one row per configuration."""
    table = compare(eco, task.alliances, seed=task.seed, **task.options).to_frame()
    return [{**task.labels, "seed": task.seed, "configuration": name, **row}
            for name, row in table.to_dict(orient="index").items()]


def _tasks(alliances: Sequence[Alliance], parameters: Mapping[str, Sequence],
           seeds: list[int], options: Mapping[str, Any]) -> list[_Task]:
    unknown = set(parameters) - _ALLIANCE_FIELDS - _SETTING_FIELDS
    if unknown:
        raise ParameterError(f"cannot sweep {sorted(unknown)}; sweepable: "
                             f"{sorted(_ALLIANCE_FIELDS | _SETTING_FIELDS)}")
    names = list(parameters)
    for name in names:
        if isinstance(parameters[name], (str, bytes)) or not isinstance(parameters[name], Iterable):
            raise ParameterError(f"parameter {name!r}: give a list of values to sweep, "
                                 f"got {parameters[name]!r}")
    values = [list(parameters[n]) for n in names]
    tasks = []
    for chosen in itertools.product(*values):
        labels = dict(zip(names, chosen))
        lever = {n: v for n, v in labels.items() if n in _ALLIANCE_FIELDS}
        setting = {n: v for n, v in labels.items() if n in _SETTING_FIELDS}
        configured = tuple(a.with_(**lever) for a in alliances)
        tasks += [_Task(configured, labels, seed, {**options, **setting}) for seed in seeds]
    return tasks


def _progress(total: int, enabled: bool) -> Callable[[int], None]:
    """``advance(rows)``: the bar moves on by ``rows`` of ``total`` rows, a step each."""
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        for _ in range(rows):
            done += 1
            if enabled:
                width = 30
                filled = width * done // max(total, 1)
                print(f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                      end="\n" if done == total else "", file=sys.stderr, flush=True)
    return advance


def sweep(eco: Ecosystem, alliances: Iterable[Alliance], *,
          parameters: Mapping[str, Sequence] | None = None, seeds: Iterable[int] = (0,),
          processes: int | None = None, scheduler: str | Client | None = None,
          progress: bool = True,
          **options: Any) -> pd.DataFrame:
    """Evaluate every combination of parameters, alliances (plus the baseline) and seeds.

    Parameters
    ----------
    eco : Ecosystem
    alliances : iterable of Alliance
    parameters : mapping of str to list, optional
        Values to sweep. Alliance levers (``cost_cut``, ``technology_sharing``,
        ``share_information``, ``shared_platform``, ``platform_fee``, ...)
        apply to every alliance; simulation settings (``periods``,
        ``replications``, ``policy``, ``demand``, ``holding``, ...) to every row.
    seeds : iterable of int
        One comparison per seed for each combination (the seed fixes the
        demand stream every configuration of that comparison sees).
    processes : int, optional
        Local worker processes (default: the number of CPUs; 1 runs in this
        process). Ignored with ``scheduler``.
    scheduler : str or dask.distributed.Client, optional
        A Dask scheduler address (``"tcp://host:8786"``) or a client: run the
        tasks on that cluster (needs the ``dask`` extra: ``pip install
        ecobelt[dask]``).
    progress : bool
        Show a progress bar on stderr.
    **options
        As for :func:`ecosystem.alliance.compare` (``players``, ``market``, ...).

    Returns
    -------
    DataFrame
        One row per (parameter values, seed, configuration): the parameter
        columns, ``seed``, ``configuration`` and every column of
        :meth:`AllianceComparison.to_frame` (ranks and Pareto flags within
        each comparison).
    """
    alliances = list(alliances)
    _check(eco, alliances)
    parameters = dict(parameters or {})
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                            for s in seeds):
        raise ParameterError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    if processes is not None and (not isinstance(processes, int) or processes < 1):
        raise ParameterError(f"processes must be a whole number >= 1, got {processes!r}")
    options.setdefault("benefit", False)
    tasks = _tasks(alliances, parameters, seeds, options)
    advance = _progress(sum(task.rows for task in tasks), progress)
    if scheduler is not None:
        batches = _on_dask(eco, tasks, scheduler, advance)
    else:
        batches = _locally(eco, tasks, processes or os.cpu_count() or 1, advance)
    return pd.DataFrame([row for batch in batches for row in batch])


def _locally(eco: Ecosystem, tasks: list[_Task], processes: int,
             advance: Callable[[int], None]) -> list[list[dict]]:
    if processes <= 1 or len(tasks) <= 1:
        batches = []
        for task in tasks:
            rows = _run(eco, task)
            batches.append(rows)
            advance(len(rows))
        return batches
    batches = []
    with ProcessPoolExecutor(max_workers=processes, initializer=_remember,
                             initargs=(eco,)) as pool:
        for rows in pool.map(_run_in_worker, tasks):  # map keeps task order
            batches.append(rows)
            advance(len(rows))
    return batches


def _on_dask(eco: Ecosystem, tasks: list[_Task], scheduler: Any,
             advance: Callable[[int], None]) -> list[list[dict]]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise ParameterError("a Dask scheduler was given but dask.distributed is not "
                             "installed: pip install 'ecobelt[dask]'") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        shared = client.scatter(eco, broadcast=True)
        futures = [client.submit(_run, shared, task, pure=False) for task in tasks]
        rows = {future.key: task.rows for future, task in zip(futures, tasks)}
        for future in as_completed(futures):
            advance(rows[future.key])
        return client.gather(futures)  # in task order, whatever finished first
    finally:
        if client is not scheduler:
            client.close()
