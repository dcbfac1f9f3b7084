"""Benchmark: niche overlap matrices and the null model against plain-Python loops.

Run ``python benchmarks/bench_niche.py``. For every overlap index it times
``ecosystem.niche.overlap`` on 10,000 members x 50 resources and a
plain-Python double loop (the textbook formula, pair by pair) on a subset of
members, and prints both per-pair costs and their ratio, in wall and CPU
seconds (``time.process_time``; the machine is shared, so the load average is
printed too). Horn and Czekanowski are also timed against scipy's
``cdist`` (jensenshannon, cityblock) on the full matrix, the vectorised
alternative; on one thread against all cores (``workers=``, checking that the
matrices are identical); and on sparse use (each member uses 1-5 of the 50
resources) against the same call summing every resource over every pair, the
way both were computed before resources few members use were summed over the
pairs that use them. Then it times the RA3 null model (1,000 iterations)
against a loop that randomises and scores one matrix at a time, the way
EcoSimR does. Last, what ``ecobelt niche`` computes on industrial belts
(logistics providers as resources: breadth, mean pianka overlap, pairs >= 0.5
within roles) on the sparse table against the dense table the command used
before, same process, with the peak memory each adds (``tracemalloc``), and
the whole command on a 20k-member belt in fresh processes against a baseline
revision of ecobelt (``git archive``, run alternately) and against loading its
spec alone. Horn on dense use with the compiled passes (numba, the ``fast`` extra)
against the numpy loop; reading a 20k-member spec as YAML against JSON.
``python benchmarks/bench_niche.py horn``, ``... yaml`` or ``... command [REV
[REPEAT]]`` runs only those. No dependency beyond ecobelt's (numba for the compiled row).
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist

import ecosystem.niche._kernels as kernels
from _timing import header, load, timed
import networks
from ecosystem.niche import (breadth, competition_pairs, mean_overlap, null_model, overlap,
                             resource_matrix)

MEMBERS, RESOURCES, SUBSET, SCIPY_MEMBERS = 10_000, 50, 150, 2_000
ROOT = os.fspath(Path(__file__).resolve().parent.parent)


def loop_overlap(U: np.ndarray, method: str, availability=None) -> list[list[float]]:
    """The baseline: formulas evaluated pair by pair in plain Python."""
    rows = [list(map(float, row)) for row in U]
    shares = [[x / sum(row) for x in row] for row in rows]
    a = None if availability is None else [x / sum(availability) for x in availability]
    out = []
    for i, p in enumerate(shares):
        line = []
        for j, q in enumerate(shares):
            cross = sum(x * y for x, y in zip(p, q))
            sp, sq = sum(x * x for x in p), sum(y * y for y in q)
            if method == "pianka":
                value = cross / math.sqrt(sp * sq)
            elif method == "czekanowski":
                value = sum(min(x, y) for x, y in zip(p, q))
            elif method == "macarthur_levins":
                value = cross / sp
            elif method == "morisita_horn":
                value = 2 * cross / (sp + sq)
            elif method == "hurlbert":
                value = sum(x * y / w for x, y, w in zip(p, q, a))
            elif method == "horn":
                def xlnx(v):
                    return sum(t * math.log(t) for t in v if t > 0)
                value = (xlnx([x + y for x, y in zip(p, q)]) - xlnx(p) - xlnx(q)) / (
                    2 * math.log(2))
            else:  # morisita, on counts
                ni, nj = rows[i], rows[j]
                Ni, Nj = sum(ni), sum(nj)
                li = sum(x * (x - 1) for x in ni) / (Ni * (Ni - 1))
                lj = sum(y * (y - 1) for y in nj) / (Nj * (Nj - 1))
                value = 2 * sum(x * y for x, y in zip(ni, nj)) / ((li + lj) * Ni * Nj)
            line.append(value)
        out.append(line)
    return out


def bench_overlap() -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((MEMBERS, RESOURCES))
    counts = rng.integers(0, 20, size=(MEMBERS, RESOURCES)) + 2 * (
        np.arange(RESOURCES) == 0)
    availability = rng.random(RESOURCES) + 0.1
    print(f"overlap matrix, {MEMBERS:,} members x {RESOURCES} resources ({load()}); baseline: "
          f"plain-Python double loop on {SUBSET} members; ratio = loop / ours per pair")
    print(f"{'method':<18}{'wall s':>8}{'CPU s':>8}{'ns/pair':>9}{'loop s':>8}{'us/pair':>9}"
          f"{'ratio wall':>11}{'ratio CPU':>10}{'max |diff|':>11}")
    overlap(dense[:2000], "pianka")  # warm up BLAS threads and the allocator
    for method in ("pianka", "macarthur_levins", "morisita_horn", "morisita", "hurlbert",
                   "czekanowski", "horn"):
        U = counts if method == "morisita" else dense
        kwargs = {"availability": availability} if method == "hurlbert" else {}
        ours = timed(overlap, U, method, repeat=3, **kwargs)
        wall, cpu = ours.wall, ours.cpu
        del ours  # a 10,000 x 10,000 matrix
        subset = U[:SUBSET]
        loop = timed(loop_overlap, subset, method, kwargs.get("availability"))
        loop_wall, loop_cpu = loop.wall, loop.cpu
        diff = np.abs(overlap(subset, method, **kwargs) - np.array(loop.result))
        np.fill_diagonal(diff, 0.0)  # we set an exact 1 on the diagonal of symmetric indices
        pairs, loop_pairs = MEMBERS**2, SUBSET**2
        print(f"{method:<18}{wall:>8.2f}{cpu:>8.2f}{cpu / pairs * 1e9:>9.2f}{loop_cpu:>8.2f}"
              f"{loop_cpu / loop_pairs * 1e6:>9.2f}"
              f"{(loop_wall / loop_pairs) / (wall / pairs):>11.0f}"
              f"{(loop_cpu / loop_pairs) / (cpu / pairs):>10.0f}{diff.max():>11.1e}")
    print(f"\nagainst scipy's cdist on {SCIPY_MEMBERS:,} members (the whole matrix), {load()}")
    print(f"{'method':<18}{'ours wall':>10}{'ours CPU':>9}{'scipy wall':>11}{'scipy CPU':>10}"
          f"{'ratio wall':>11}{'ratio CPU':>10}{'max |diff|':>11}")
    U = dense[:SCIPY_MEMBERS]
    p = U / U.sum(axis=1, keepdims=True)
    for method, scipy_version in (
            ("czekanowski", lambda: 1.0 - 0.5 * cdist(p, p, "cityblock")),
            ("horn", lambda: 1.0 - cdist(p, p, "jensenshannon") ** 2 / np.log(2.0))):
        ours = timed(overlap, U, method, repeat=3)
        theirs = timed(scipy_version)
        print(f"{method:<18}{ours.wall:>10.3f}{ours.cpu:>9.3f}{theirs.wall:>11.3f}"
              f"{theirs.cpu:>10.3f}{theirs.wall / ours.wall:>11.1f}{theirs.cpu / ours.cpu:>10.1f}"
              f"{np.abs(ours.result - theirs.result).max():>11.1e}")
    bench_threads(dense)
    bench_sparse(rng)


def bench_threads(U: np.ndarray) -> None:
    cores = os.cpu_count()
    print(f"\nczekanowski and horn on 1 thread and on all {cores} cores (workers=), "
          f"{MEMBERS:,} x {RESOURCES}, best of 3, {load()}")
    print(f"{'method':<18}{'1 wall':>8}{'1 CPU':>8}{'all wall':>9}{'all CPU':>8}"
          f"{'speed-up wall':>14}{'identical':>10}")
    for method in ("czekanowski", "horn"):
        one = timed(overlap, U, method, workers=1, repeat=3)
        every = timed(overlap, U, method, repeat=3)
        identical = np.array_equal(one.result, every.result)
        print(f"{method:<18}{one.wall:>8.2f}{one.cpu:>8.2f}{every.wall:>9.2f}{every.cpu:>8.2f}"
              f"{one.wall / every.wall:>14.2f}{str(identical):>10}")
        del one, every  # two 800 MB matrices


def sparse_use(rng: np.random.Generator) -> np.ndarray:
    """Each member draws on 1-5 of the resources, like a member using a few providers."""
    uses = rng.integers(1, 6, MEMBERS)
    chosen = rng.random((MEMBERS, RESOURCES)).argsort(axis=1).argsort(axis=1) < uses[:, None]
    return chosen * (rng.random((MEMBERS, RESOURCES)) + 0.01)


def dense_sums(U: np.ndarray, method: str) -> np.ndarray:
    """The baseline for sparse use: every resource summed over every pair (scipy's L1
    loop, horn's loop), as before resources few members use were summed pair by pair."""
    kept = kernels._SPARSE_SHARE[method]
    kernels._SPARSE_SHARE[method] = 0.0
    try:
        return overlap(U, method)
    finally:
        kernels._SPARSE_SHARE[method] = kept


def bench_sparse(rng: np.random.Generator) -> None:
    U = sparse_use(rng)
    print(f"\nsparse use: each member uses 1-5 of the {RESOURCES} resources ({(U > 0).mean():.0%} "
          f"non-zero), {MEMBERS:,} members, all cores, best of 3, {load()}; baseline: the same "
          "call with every resource summed over every pair")
    print(f"{'method':<18}{'wall s':>8}{'CPU s':>8}{'base wall':>10}{'base CPU':>9}"
          f"{'ratio wall':>11}{'ratio CPU':>10}{'max |diff|':>11}")
    for method in ("czekanowski", "horn"):
        ours = timed(overlap, U, method, repeat=3)
        theirs = timed(dense_sums, U, method, repeat=3)
        diff = np.abs(ours.result - theirs.result).max()
        print(f"{method:<18}{ours.wall:>8.2f}{ours.cpu:>8.2f}{theirs.wall:>10.2f}"
              f"{theirs.cpu:>9.2f}{theirs.wall / ours.wall:>11.1f}{theirs.cpu / ours.cpu:>10.1f}"
              f"{diff:>11.1e}")
        del ours, theirs


def loop_null_model(U: np.ndarray, iterations: int, seed: int) -> list[float]:
    """The baseline: EcoSimR's way, one randomised matrix and one pair at a time."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(iterations):
        shuffled = np.array([rng.permutation(row) for row in U])
        matrix = loop_overlap(shuffled, "pianka")
        n = len(U)
        out.append(sum(matrix[i][j] for i in range(n) for j in range(i + 1, n))
                   / (n * (n - 1) / 2))
    return out


def bench_null_model() -> None:
    rng = np.random.default_rng(1)
    print(f"\nnull model, ra3 + pianka mean, 1,000 iterations; baseline: per-iteration loop "
          f"({load()})")
    print(f"{'matrix':<18}{'ours wall':>10}{'ours CPU':>10}{'loop wall':>10}{'loop CPU':>10}"
          f"{'ratio CPU':>10}")
    for n, r in ((5, 16), (30, 12)):
        U = rng.random((n, r)) * (rng.random((n, r)) < 0.6) + 0.01 * (np.arange(r) == 0)
        ours = timed(null_model, U, "ra3", replications=1000, seed=0, repeat=3)
        loop = timed(loop_null_model, U, 1000, 0)
        print(f"{f'{n} x {r}':<18}{ours.wall:>10.3f}{ours.cpu:>10.3f}{loop.wall:>10.2f}"
              f"{loop.cpu:>10.2f}{loop.cpu / ours.cpu:>10.0f}")
    U = rng.random((1000, 50))
    large = timed(null_model, U, "ra4", "czekanowski", replications=1000, seed=0)
    print(f"1000 x 50 (ra4, czekanowski): {large.wall:.2f} s wall, {large.cpu:.2f} s CPU; no loop "
          "run (it would take hours)")


def _niche_report(eco, sparse: bool):
    """What ``ecobelt niche SPEC`` computes after loading, with its defaults: the members x
    logistics providers table, three breadths, the mean pianka overlap and the pairs >= 0.5
    of members of the same role."""
    use = resource_matrix(eco, flows="logistics", sparse=sparse)
    widths = [breadth(use, m) for m in ("levins", "levins_standardized", "shannon")]
    return widths, mean_overlap(use), competition_pairs(use, "pianka", 0.5)


def _peak(function, *args):
    import tracemalloc
    tracemalloc.start()
    result = function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak


def _same(ours, base) -> bool:
    """Breadths and mean to 1e-12, the same pairs with the same overlaps to 1e-12."""
    pairs = ours[2].merge(base[2], on=["member", "competitor"], how="outer")
    return (all(np.allclose(a, b, rtol=1e-12) for a, b in zip(ours[0], base[0]))
            and math.isclose(ours[1], base[1], rel_tol=1e-12) and len(pairs) == len(ours[2])
            == len(base[2]) and np.allclose(pairs.overlap_x, pairs.overlap_y, rtol=1e-12))


def bench_belt(sizes=(5_000, 20_000), dense_up_to: int = 5_000) -> None:
    print(f"\n{load()}; niche report (logistics providers as resources, pairs within roles) of "
          "industrial_belt(n): sparse table against the dense one")
    print("| members | resources | pairs | sparse wall (CPU) s | peak MiB | dense wall (CPU) s | "
          "peak MiB | ratio wall (CPU) | same |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        eco = networks.industrial_belt(n, seed=1)
        ours = timed(_niche_report, eco, True)
        _, ours_peak = _peak(_niche_report, eco, True)
        shape = resource_matrix(eco, flows="logistics", sparse=True).shape
        pairs = len(ours.result[2])
        if n > dense_up_to:
            print(f"| {shape[0]:,} | {shape[1]:,} | {pairs:,} | {ours.wall:.2f} ({ours.cpu:.2f}) | "
                  f"{ours_peak / 2**20:.0f} | - | - | - | - |")
            continue
        base = timed(_niche_report, eco, False)
        _, base_peak = _peak(_niche_report, eco, False)
        print(f"| {shape[0]:,} | {shape[1]:,} | {pairs:,} | {ours.wall:.2f} ({ours.cpu:.2f}) | "
              f"{ours_peak / 2**20:.0f} | {base.wall:.2f} ({base.cpu:.2f}) | "
              f"{base_peak / 2**20:.0f} | {base.wall / ours.wall:.1f} ({base.cpu / ours.cpu:.1f}) "
              f"| {'yes' if _same(ours.result, base.result) else 'NO'} |")


def _process(*argv: str, path: str | None = None) -> tuple[float, float, float, bytes]:
    """Wall s, CPU s (user + system), peak RSS MiB and the output of ``python argv`` in a
    fresh process, importing ecobelt from ``path`` (this checkout when None)."""
    import subprocess
    import sys
    import tempfile
    import time
    environment = dict(os.environ, PYTHONPATH=path or ROOT)
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        # python -m puts the working folder first on sys.path: run inside the copy timed
        child = subprocess.Popen([sys.executable, *argv], stdout=output, env=environment,
                                 cwd=path or ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise RuntimeError(f"{argv} exited with {child.returncode}")
        output.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output.read()


def bench_command(n: int = 20_000, baseline: str = "5f8ddbc", repeat: int = 3) -> None:
    """``ecobelt niche SPEC`` on a 20k-member belt saved as JSON, each run in a fresh process:
    this checkout against the ``baseline`` revision unpacked beside it (run alternately, so
    both see the same load; their outputs compared byte for byte), and loading the spec alone
    (what the command costs beyond reading its file)."""
    import statistics
    import tempfile

    from bench_cli import unpack
    eco = networks.industrial_belt(n, seed=1)
    members, links = len(eco), eco.number_of_links()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "belt.json")
        eco.save(path)
        size = os.path.getsize(path) / 2**20
        del eco
        before = str(unpack(baseline, Path(folder) / "baseline"))
        runs: dict[str, list] = {"today": [], "baseline": [], "load": []}
        for name, where, argv in [("today", None, ("-m", "ecosystem", "niche", path)),
                                  ("baseline", before, ("-m", "ecosystem", "niche", path)),
                                  ("load", None, ("-c", "from ecosystem.files import load; "
                                                  f"load({path!r})"))] * (repeat + 1):
            runs[name].append(_process(*argv, path=where))
        phases = [_process("-c", _PHASES, path, path=None)[3].decode() for _ in range(repeat)]
    outputs = {run[3] for run in runs["today"] + runs["baseline"]}
    compiled = "no byte-compiled files written (PYTHONDONTWRITEBYTECODE)" if os.environ.get(
        "PYTHONDONTWRITEBYTECODE") else "byte-compiled files written"
    print(f"\n`ecobelt niche` on industrial_belt({n:,}, seed=1) ({members:,} members, "
          f"{links:,} links, {size:.0f} MB JSON), fresh processes, median / best of {repeat} "
          f"after one warm-up run each, {compiled}, {load()}")
    print("| run | wall s | CPU s | peak RSS MiB |\n|---|---|---|---|")
    medians = {}
    for name, label in (("today", "ecobelt niche, this checkout"),
                        ("baseline", f"ecobelt niche, {baseline}"),
                        ("load", "load the spec only, this checkout")):
        timings = runs[name][1:]
        medians[name] = [statistics.median(t[k] for t in timings) for k in range(3)]
        best = [min(t[k] for t in timings) for k in range(2)]
        print(f"| {label} | {medians[name][0]:.2f} / {best[0]:.2f} | "
              f"{medians[name][1]:.2f} / {best[1]:.2f} | {medians[name][2]:.0f} |")
    (wall, cpu, _), (base_wall, base_cpu, _) = medians["today"], medians["baseline"]
    print(f"ratio {baseline} / this checkout (medians): wall {base_wall / wall:.2f}, CPU "
          f"{base_cpu / cpu:.2f}; the command beyond loading: "
          f"{cpu - medians['load'][1]:.2f} s CPU; same output: {len(outputs) == 1}")
    print(f"\nwhere the command's CPU goes (this checkout, one fresh process each, {repeat} runs, "
          "s CPU; imports in the order the command meets them)")
    steps = [dict(line.split("\t") for line in text.splitlines()) for text in phases]
    print("| step | " + " | ".join(f"run {k + 1}" for k in range(repeat)) + " |")
    print("|---|" + "---|" * repeat)
    for step in steps[0]:
        print(f"| {step} | " + " | ".join(run[step] for run in steps) + " |")


# What `ecobelt niche SPEC` does, step by step, with CPU timers between the steps: the
# libraries' imports one by one (each only what the ones before did not import), then the
# spec read, then the report (its own imports included, as in the command).
_PHASES = r"""
import io, sys, time
from contextlib import redirect_stdout
marks, last = [], time.process_time()
def mark(step):
    global last
    now = time.process_time()
    marks.append((step, now - last))
    last = now
from ecosystem.cli import build_parser
args = build_parser("niche").parse_args(["niche", sys.argv[1]])
mark("the command line and its parser")
import numpy
mark("numpy")
import pandas
mark("pandas (with pyarrow)")
import scipy.sparse
mark("scipy.sparse")
import networkx
mark("networkx")
import ecosystem.files, ecosystem._stream
mark("ecobelt's reader and Ecosystem modules (with yaml)")
from ecosystem.files import load
eco = load(sys.argv[1])
mark("reading the spec")
import ecosystem.cli.niche as command
command.read_spec = lambda spec: eco
with redirect_stdout(io.StringIO()):
    args.func(args)
mark("the report (with ecosystem.niche)")
marks.append(("total", sum(seconds for _, seconds in marks)))
print("\n".join(f"{step}\t{seconds:.3f}" for step, seconds in marks))
"""


def bench_horn_engines(members: int = MEMBERS, resources: int = RESOURCES) -> None:
    """Horn on dense use with the compiled passes (numba) against the numpy loop
    (``ECOBELT_NUMBA=0``), same process, same matrix, alternating, best of 3; the two
    matrices compared bit for bit."""
    from ecosystem.niche import _compiled
    U = np.random.default_rng(0).random((members, resources))
    overlap(U[:300], "horn")  # compile (or load numba's cache) outside the timing
    times: dict[str, list] = {"numpy": [], "compiled": []}
    results = {}
    for _ in range(3):
        for engine in ("numpy", "compiled"):
            os.environ[_compiled.ENVIRONMENT_VARIABLE] = "0" if engine == "numpy" else "1"
            run = timed(overlap, U, "horn")
            times[engine].append((run.wall, run.cpu))
            results[engine] = run.result
            del run
    os.environ.pop(_compiled.ENVIRONMENT_VARIABLE)
    identical = np.array_equal(results["numpy"], results["compiled"])
    del results
    (nw, nc), (cw, cc) = (min(times[e]) for e in ("numpy", "compiled"))
    print(f"\nhorn, dense use, {members:,} x {resources}, both cores, best of 3 ({load()})")
    print("| engine | wall s | CPU s | ns/term (CPU) |\n|---|---|---|---|")
    terms = members * (members + 1) / 2 * resources
    for engine, (wall, cpu) in (("numpy loop", (nw, nc)), ("compiled", (cw, cc))):
        print(f"| {engine} | {wall:.2f} | {cpu:.2f} | {cpu / terms * 1e9:.2f} |")
    print(f"ratio numpy / compiled: wall {nw / cw:.2f}, CPU {nc / cc:.2f}; identical: {identical}")
    kernels_here = _compiled._kernels()
    fused = kernels_here is not None and kernels_here[2] is not None
    print("compiled: " + ("one fused pass on numpy's own 8-lane logarithm" if fused
                          else "two passes around np.log"))
    # the floor: numpy's log alone on values held in cache, best of 5, in this run
    values = np.random.default_rng(1).random(8192) + 0.5
    logs = np.empty_like(values)
    best = min(timed(lambda: [np.log(values, out=logs) for _ in range(500)]).cpu
               for _ in range(5)) / (500 * values.size)
    print(f"numpy's log: {best * 1e9:.2f} ns per value (CPU), so the {terms:.3g} logarithms "
          f"alone take {best * terms:.2f} s of CPU, {best * terms / 2:.2f} s of wall on two "
          f"cores; the compiled path's CPU is {cc / (best * terms):.2f}x that")


def bench_yaml(n: int = 20_000) -> None:
    """Reading a spec ecobelt wrote: YAML against JSON (same belt, same process, best of
    3; parsing only, ``read_yaml`` / ``read_json``), and the same YAML through PyYAML's C
    loader with the spec's checks (``read_yaml`` before its rows were read as JSON)."""
    import tempfile

    from ecosystem import _spec
    eco = networks.industrial_belt(n, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        texts = {}
        for kind in ("yaml", "json"):
            path = os.path.join(folder, f"belt.{kind}")
            eco.save(path)
            with open(path, encoding="utf-8") as handle:
                texts[kind] = handle.read()
    yaml_run = timed(_spec.read_yaml, texts["yaml"], repeat=3)
    json_run = timed(_spec.read_json, texts["json"], repeat=3)
    same = yaml_run.result == json_run.result
    # the two specs are dropped before the next timing (Timing is frozen: a copy without them)
    yaml_run, json_run = (replace(run, result=None) for run in (yaml_run, json_run))
    pyyaml = timed(_spec._load_with_room, texts["yaml"])
    print(f"\nreading the spec of industrial_belt({n:,}) ({len(eco):,} members, "
          f"{eco.number_of_links():,} links; YAML {len(texts['yaml']) / 2**20:.0f} MB, JSON "
          f"{len(texts['json']) / 2**20:.0f} MB), {load()}")
    print("| reader | wall s | CPU s | CPU / JSON |\n|---|---|---|---|")
    for name, run in (("read_yaml", yaml_run), ("read_json", json_run),
                      ("PyYAML with the spec's loader", pyyaml)):
        print(f"| {name} | {run.wall:.2f} | {run.cpu:.2f} | {run.cpu / json_run.cpu:.1f} |")
    print(f"same spec from both files: {same}")


if __name__ == "__main__":
    import sys
    print(header(__doc__.splitlines()[0], "scipy"))
    if sys.argv[1:] == ["horn"]:
        bench_horn_engines()
        sys.exit()
    if sys.argv[1:] == ["yaml"]:
        bench_yaml()
        sys.exit()
    if sys.argv[1:2] == ["command"]:  # command [REV [REPEAT]]
        bench_command(baseline=sys.argv[2] if len(sys.argv) > 2 else "5f8ddbc",
                      repeat=int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        sys.exit()
    bench_overlap()
    bench_null_model()
    bench_belt()
    bench_command()
    bench_horn_engines()
    bench_yaml()
