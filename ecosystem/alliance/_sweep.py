"""Scenario sweeps: parameters x alliances x seeds, in local processes or on Dask.

Every task is one configuration evaluated for every seed: only the simulated
bullwhip check depends on the seed, so the rest (the configured ecosystem, its
game, niches and flows) is computed once. An alliance is configured by the
swept levers and settings, the baseline by the settings alone, so one baseline
task serves every lever combination. Each row comes from explicit seeds, so the
rows do not depend on where or in which order they run: the same seeds give the
same table on one process, on a local process pool and on a Dask cluster.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from typing import Any, Callable, Mapping, NamedTuple, Sequence

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


class _Task(NamedTuple):
    """One configuration, evaluated for every seed; ``targets`` are the (parameter
    labels, group per seed) its rows go to: several for a baseline shared by lever values."""

    alliance: Alliance | None
    settings: Settings
    seeds: list[int]
    targets: list[tuple[dict[str, Any], list[int]]]

    @property
    def rows(self) -> int:
        return len(self.targets) * len(self.seeds)


def _run_in_worker(task: _Task) -> list[dict[str, Any]]:
    return _run(_worker_ecosystem, task)


def _run(eco: Ecosystem, task: _Task) -> list[dict[str, Any]]:
    """The task's rows: one per seed for each target, tagged with its group."""
    rows = evaluate_seeds(eco, task.alliance, task.settings, task.seeds)
    return [{_GROUP: group, **labels, "seed": seed, **row} for labels, groups in task.targets
            for group, seed, row in zip(groups, task.seeds, rows)]


def _tasks(eco: Ecosystem, alliances: Sequence[Alliance], parameters: Mapping[str, Sequence],
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
    tasks: list[_Task] = []
    baselines: dict[tuple[int, ...], _Task] = {}  # by the positions of the setting values
    for index, chosen in enumerate(itertools.product(*(range(len(v)) for v in values))):
        labels = {n: values[k][i] for k, (n, i) in enumerate(zip(names, chosen))}
        target = (labels, [index * len(seeds) + i for i in range(len(seeds))])
        key = tuple(i for n, i in zip(names, chosen) if n in _SETTING_FIELDS)
        if key in baselines:
            baselines[key].targets.append(target)
            settings = baselines[key].settings
        else:
            setting = {n: v for n, v in labels.items() if n in _SETTING_FIELDS}
            settings = make_settings(eco, alliances, **{**options, **setting})
            baselines[key] = _Task(None, settings, seeds, [target])
            tasks.append(baselines[key])
        lever = {n: v for n, v in labels.items() if n in _ALLIANCE_FIELDS}
        tasks += [_Task(a.with_(**lever), settings, seeds, [target]) for a in alliances]
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
    advance = _progress(sum(task.rows for task in tasks), progress)
    if scheduler is not None:
        batches = _on_dask(eco, tasks, scheduler, advance)
    else:
        batches = _locally(eco, tasks, processes or os.cpu_count() or 1, advance)
    # back to the order (parameter values, seed, configuration): a baseline's task comes
    # before its alliances' tasks, and sorted() is stable
    rows = sorted((row for batch in batches for row in batch), key=lambda row: row[_GROUP])
    table = pd.DataFrame(rows)
    finished = [finish(group) for _, group in table.groupby(_GROUP, sort=False)]
    return pd.concat(finished).drop(columns=_GROUP).reset_index(drop=True)


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
