"""Timing and the machine header shared by the benchmark scripts.

The machine is shared (2 cores, other jobs come and go), so every benchmark reports
wall AND CPU seconds (``time.process_time``) and the load average, and compares
ecobelt with its baseline in the same process.

The scripts run as ``python benchmarks/bench_x.py``, which puts this folder first on
``sys.path``, so they import this module as ``from _timing import timed, header``.
"""

from __future__ import annotations

__all__ = ["Timing", "timed", "load", "header"]

import math
import os
import platform
import time
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any, Callable


@dataclass(frozen=True)
class Timing:
    """Best wall and best CPU seconds over ``repeat`` runs, and the last run's result.

    The two minima may come from different runs: each is the run least disturbed by
    other jobs on that clock.
    """

    wall: float
    cpu: float
    result: Any = None
    repeat: int = 1

    def scaled(self, factor: float) -> Timing:
        """The timing times ``factor``: a baseline timed on a sample, extrapolated."""
        return replace(self, wall=self.wall * factor, cpu=self.cpu * factor)


def timed(function: Callable[..., Any], /, *args: Any, repeat: int = 1,
          **kwargs: Any) -> Timing:
    """Run ``function(*args, **kwargs)`` ``repeat`` times; best wall and CPU seconds."""
    wall = cpu = math.inf
    result = None
    for _ in range(repeat):
        result = None  # let the previous result go before the next run allocates
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return Timing(wall, cpu, result, repeat)


def load() -> str:
    """The 1, 5 and 15 minute load averages, as printed beside timings."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle
                        if line.startswith("model name"))
    except (OSError, StopIteration):  # not Linux, or an architecture without the field
        return platform.processor() or platform.machine()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def header(title: str, *distributions: str) -> str:
    """Two lines for the top of a benchmark's output: ``title``, then date, machine,
    Python, numpy and each named distribution's version (``"scipy"``, ``"coopgame-py"``),
    and the load average."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{name} {_version(name)}" for name in ("numpy", *distributions))
    return (f"{title}\n{time.strftime('%Y-%m-%d %H:%M')}; {_cpu_model()}, {os.cpu_count()} "
            f"cores, {memory:.0f} GiB, {platform.machine()}; Python "
            f"{platform.python_version()}, {versions}; {load()}")
