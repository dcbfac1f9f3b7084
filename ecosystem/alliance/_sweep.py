"""Scenario sweeps: parameters x alliances x seeds, in local processes or on Dask.

Every task is one configuration (parameter values and alliance) evaluated for
every seed: only the simulated bullwhip check depends on the seed, so the
rest (the configured ecosystem, its game, niches and flows) is computed once.
Each row comes from explicit seeds, so the rows do not depend on where or in
which order they run: the same seeds give the same table on one process, on a
local process pool and on a Dask cluster.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..graph import Ecosystem
from ._config import Alliance
from ._compare import _check_names
from ._metrics import Settings, evaluate_seeds, finish, make_settings

__all__ = ["sweep"]

_ALLIANCE_FIELDS = {f.name for f in fields(Alliance)} - {"name", "members"}
_SETTING_FIELDS = {f.name for f in fields(Settings)} - {"players"}
_GROUP = "_group"  # one (parameter values, seed) combination; finish() runs within each

_worker_ecosystem: Ecosystem | None = None  # the one copy each pool process keeps


def _remember(eco: Ecosystem) -> None:
    global _worker_ecosystem
    _worker_ecosystem = eco


def _run_in_worker(task: tuple) -> list[dict[str, Any]]:
    return _run(_worker_ecosystem, task)


def _run(eco: Ecosystem, task: tuple) -> list[dict[str, Any]]:
    """The task's row for each seed, each tagged with its (parameter values, seed) group."""
    alliance, settings, seeds, labels, groups = task
    rows = evaluate_seeds(eco, alliance, settings, seeds)
    return [{_GROUP: group, **labels, "seed": seed, **row}
            for group, seed, row in zip(groups, seeds, rows)]


def _tasks(eco: Ecosystem, alliances: Sequence[Alliance], parameters: Mapping[str, Sequence],
           seeds: Sequence[int], options: Mapping[str, Any]) -> list[tuple]:
    unknown = set(parameters) - _ALLIANCE_FIELDS - _SETTING_FIELDS
    if unknown:
        raise ParameterError(f"cannot sweep {sorted(unknown)}; sweepable: "
                             f"{sorted(_ALLIANCE_FIELDS | _SETTING_FIELDS)}")
    names = list(parameters)
    for name in names:
        if isinstance(parameters[name], (str, bytes)) or not isinstance(parameters[name], Iterable):
            raise ParameterError(f"parameter {name!r}: give a list of values to sweep, "
                                 f"got {parameters[name]!r}")
    tasks: list[tuple] = []
    for index, values in enumerate(itertools.product(*(list(parameters[n]) for n in names))):
        labels = dict(zip(names, values))
        lever = {n: v for n, v in labels.items() if n in _ALLIANCE_FIELDS}
        setting = {n: v for n, v in labels.items() if n in _SETTING_FIELDS}
        settings = make_settings(eco, alliances, **{**options, **setting})
        configured = [a.with_(**lever) for a in alliances]
        groups = [index * len(seeds) + i for i in range(len(seeds))]
        tasks += [(a, settings, seeds, labels, groups) for a in [None, *configured]]
    return tasks


def _progress(tasks: int, seeds: int, enabled: bool) -> Callable[[], None]:
    """``task_done()``: the bar moves on by a finished task's rows, one per seed."""
    total, done = tasks * seeds, 0

    def task_done() -> None:
        nonlocal done
        for _ in range(seeds):
            done += 1
            if enabled:
                width = 30
                filled = width * done // max(total, 1)
                print(f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                      end="\n" if done == total else "", file=sys.stderr, flush=True)
    return task_done


def sweep(eco: Ecosystem, alliances: Iterable[Alliance], *,
          parameters: Mapping[str, Sequence] | None = None, seeds: Iterable[int] = (0,),
          processes: int | None = None, scheduler: Any = None, progress: bool = True,
          **options: Any) -> pd.DataFrame:
    """Evaluate every combination of parameters, alliances (plus the baseline) and seeds.

    Parameters
    ----------
    eco : Ecosystem
    alliances : iterable of Alliance
    parameters : mapping of str to list, optional
        Values to sweep. Alliance levers (``cost_cut``, ``technology_sharing``,
        ``share_information``, ``shared_platform``, ``platform_volume``) apply
        to every alliance; settings (``window``, ``damping``, ``market``,
        ``margin``, ``replications``, ``periods``) to every row.
    seeds : iterable of int
        One row per seed for each combination (the seed drives the simulated
        bullwhip check).
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
        One row per (parameter values, seed, configuration), with the
        parameter columns, ``seed`` and every column of ``compare``; the
        coupling coordination, ranks and Pareto flags are computed within each
        (parameter values, seed) group.
    """
    alliances = list(alliances)
    _check_names(alliances)
    parameters = dict(parameters or {})
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                            for s in seeds):
        raise ParameterError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    if processes is not None and (not isinstance(processes, int) or processes < 1):
        raise ParameterError(f"processes must be a whole number >= 1, got {processes!r}")
    tasks = _tasks(eco, alliances, parameters, seeds, options)
    task_done = _progress(len(tasks), len(seeds), progress)
    if scheduler is not None:
        batches = _on_dask(eco, tasks, scheduler, task_done)
    else:
        batches = _locally(eco, tasks, processes or os.cpu_count() or 1, task_done)
    # back to the order (parameter values, seed, configuration); sorted() is stable
    rows = sorted((row for batch in batches for row in batch), key=lambda row: row[_GROUP])
    table = pd.DataFrame(rows)
    finished = [finish(group) for _, group in table.groupby(_GROUP, sort=False)]
    return pd.concat(finished).drop(columns=_GROUP).reset_index(drop=True)


def _locally(eco: Ecosystem, tasks: list[tuple], processes: int,
             task_done: Callable[[], None]) -> list[list[dict]]:
    if processes <= 1 or len(tasks) <= 1:
        batches = []
        for task in tasks:
            batches.append(_run(eco, task))
            task_done()
        return batches
    batches = []
    with ProcessPoolExecutor(max_workers=processes, initializer=_remember,
                             initargs=(eco,)) as pool:
        for rows in pool.map(_run_in_worker, tasks):  # map keeps task order
            batches.append(rows)
            task_done()
    return batches


def _on_dask(eco: Ecosystem, tasks: list[tuple], scheduler: Any,
             task_done: Callable[[], None]) -> list[list[dict]]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise ParameterError("a Dask scheduler was given but dask.distributed is not "
                             "installed: pip install 'ecobelt[dask]'") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        shared = client.scatter(eco, broadcast=True)
        futures = [client.submit(_run, shared, task, pure=False) for task in tasks]
        for _ in as_completed(futures):
            task_done()
        return client.gather(futures)  # in task order, whatever finished first
    finally:
        if client is not scheduler:
            client.close()
