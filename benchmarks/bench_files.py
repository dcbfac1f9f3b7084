"""Saving and loading ecosystems: wall and CPU time and peak memory, against an earlier
ecobelt and the plain libraries, in the same run.

Run: ``python benchmarks/bench_files.py [n_firms] [--baseline REV|plain|none]
[--formats yaml,json,...] [--ops save,load] [--timeout S]``
(default 5000 firms: about 5,100 members and 50,000 links; ``1000000`` gives the
million-member belt, about 10 million links, which needs a machine with 32 GB or more).

Every save and every load runs in a fresh Python process (so one measurement's garbage
does not count against the next), once with this checkout and once with the ecobelt of
``REV`` (default ``f6c3935``, the files code before the atomic, streaming rewrite),
unpacked from git into a temporary folder. Each process reports wall and CPU seconds and
the peak resident memory *during the operation*, sampled every 5 ms by a thread, minus
what it held before (the ecosystem itself, for a save); the in-memory size of the
ecosystem is the resident memory a load leaves behind. Baselines doing the bare minimum
on the same data, in this checkout's process: ``json.loads`` / ``json.dumps`` and
PyYAML's C loader / dumper (``yaml.CSafeLoader`` / ``CSafeDumper``) on the same spec
dictionary, without any checks (JSON up to 200,000 members, YAML up to 30,000: beyond,
they take minutes).

``--ops save`` measures saves only, and ``--baseline none`` runs no baseline (for a
million members, where the earlier GraphML and GEXF writers and the readers of several
formats do not finish): the in-memory size of the ecosystem is then what the saving
process holds before it saves (the unpickled ecosystem and the interpreter).

``--baseline plain`` compares instead with pandas alone on the same two tables
(``eco.to_pandas()``, made before the clock starts), each in a fresh process too:
``DataFrame.to_csv`` / ``pandas.read_csv`` for the CSV pair, ``to_json`` /
``read_json`` with ``orient="records", lines=True`` (one JSON object per row, the
layout ecobelt writes; read in chunks of 100,000 rows, as pandas' whole-file JSON
reader needs many times the memory) for JSON, ``to_parquet`` / ``read_parquet`` (pyarrow) for
Parquet: what reading and writing the same data costs without any checks, exact
types or metadata, and without building an ecosystem. The earlier ecobelt is no
baseline at a million members: its CSV reader ran out of memory at 15 GB.

Ratios are ecobelt now / the baseline (below 1: faster or smaller now); the time
ratio is of CPU seconds, which a busy machine disturbs less than wall seconds. A format the
earlier ecobelt does not have (Parquet) is compared with its CSV pair. An operation still
running after ``--timeout`` seconds (default 600) is stopped and reported as such, so its
ratio is a bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import header  # noqa: E402

# One measured operation, run by `python -c` in a fresh process with the tree to test first
# on sys.path. argv: mode (save/load/build), format path, firms, pickle path.
_WORKER = r"""
import gc, json, os, resource, sys, threading, time
mode, path, firms, pickled = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * page
from ecosystem.files import load, save
import pickle
plain = mode.startswith("plain")
if plain:
    import pandas as pd
    if path.endswith(".parquet"):
        import pyarrow  # noqa: F401 (imported before the clock starts)
    stem = path.rsplit(".", 1)[0]
    suffix = path.rsplit(".", 1)[1]
    paths = [f"{stem}.members.{suffix}", f"{stem}.links.{suffix}"]
if mode in ("save", "plainsave"):
    with open(pickled, "rb") as handle:
        eco = pickle.load(handle)
    if plain:
        tables = eco.to_pandas()
        del eco
gc.collect()
before = rss()
peak = [before]
done = threading.Event()
def sample():
    while not done.wait(0.005):
        peak[0] = max(peak[0], rss())
watcher = threading.Thread(target=sample, daemon=True)
watcher.start()
wall, cpu = time.perf_counter(), time.process_time()
if mode == "save":
    save(eco, path)
elif mode == "load":
    eco = load(path)
elif mode == "plainsave":
    for table, target in zip(tables, paths):
        if suffix == "csv":
            table.to_csv(target, index=False)
        elif suffix == "json":
            table.to_json(target, orient="records", lines=True)
        else:
            table.to_parquet(target, index=False)
else:
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet,
            "json": lambda p: pd.concat(pd.read_json(p, orient="records", lines=True,
                                                     chunksize=100_000),
                                        ignore_index=True)}[suffix]
    tables = [read(source) for source in paths]
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
done.set()
watcher.join()
peak[0] = max(peak[0], rss())
gc.collect()
after = rss()
sizes = [len(t) for t in tables] if plain else [len(eco), eco.number_of_links()]
print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak[0] - before, "held": before,
                  "kept": after - before, "members": sizes[0], "links": sizes[1]}))
"""


def worker(tree: Path, mode: str, path: Path, firms: int, pickled: Path,
           timeout: float = 600) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1"}
    try:
        result = subprocess.run([sys.executable, "-c", _WORKER, mode, str(path), str(firms),
                                 str(pickled)], capture_output=True, text=True, env=env,
                                cwd=tree, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"still running after {timeout:.0f} s", "timeout": timeout}
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "?"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def unpack(revision: str, folder: Path) -> Path:
    tree = folder / f"ecobelt-{revision}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def files_of(path: Path) -> list[Path]:
    stem = path.name[: -len(path.suffix)]
    return [p for p in path.parent.iterdir() if p.name.startswith(stem + ".")]


def gib(nbytes: float) -> str:
    return f"{nbytes / 2 ** 30:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("firms", type=int, nargs="?", default=5000)
    parser.add_argument("--baseline", default="f6c3935")
    parser.add_argument("--formats", default="yaml,json,csv,graphml,gexf,parquet")
    parser.add_argument("--ops", default="save,load")
    parser.add_argument("--timeout", type=float, default=600)
    options = parser.parse_args()
    import pickle

    import networks
    print(header(__doc__.splitlines()[0], "networkx", "pandas", "pyyaml"))
    print(f"machine load at start: {os.getloadavg()[0]:.1f}")
    folder = Path(tempfile.mkdtemp(prefix="bench_files_"))
    plain_baseline = options.baseline == "plain"
    no_baseline = options.baseline == "none"
    loads = "load" in options.ops.split(",")
    baseline = ROOT if plain_baseline or no_baseline else unpack(options.baseline, folder)
    started = time.perf_counter()
    eco = networks.industrial_belt(options.firms, seed=1)
    print(f"{eco!r} built in {time.perf_counter() - started:.1f} s")
    pickled = folder / "eco.pickle"
    with open(pickled, "wb") as handle:
        pickle.dump(eco, handle, protocol=pickle.HIGHEST_PROTOCOL)
    plain = {}
    wanted = [name for name in ("json", "yaml") if name in options.formats.split(",")
              and len(eco) <= (30_000 if name == "yaml" else 200_000) and not plain_baseline
              and not no_baseline]
    if wanted:
        import yaml

        from ecosystem import _spec
        spec = _spec.to_spec(eco)
        for name, dump, parse in (
                ("json", lambda: json.dumps(spec), json.loads),
                ("yaml", lambda: yaml.dump(spec, Dumper=yaml.CSafeDumper, sort_keys=False),
                 lambda text: yaml.load(text, Loader=yaml.CSafeLoader))):
            if name not in wanted:
                continue
            started = time.perf_counter()
            text = dump()
            middle = time.perf_counter()
            parse(text)
            plain[name] = (middle - started, time.perf_counter() - middle)
        del spec, text
    del eco

    rows = []
    old_formats = (baseline / "ecosystem" / "files.py").read_text()
    for extension in options.formats.split(","):
        measured = {}
        for label, tree in (("now", ROOT), ("before", baseline))[:1 if no_baseline else 2]:
            # a format the earlier ecobelt lacks is compared with its CSV pair
            ext = extension if label == "now" or plain_baseline or \
                f'"{extension}"' in old_formats else "csv"
            path = folder / label / f"eco.{ext}"
            path.parent.mkdir(exist_ok=True)
            mode = "plain" if label == "before" and plain_baseline else ""
            saved = worker(tree, mode + "save", path, options.firms, pickled,
                           options.timeout)
            size = sum(p.stat().st_size for p in files_of(path)) if "error" not in saved else 0
            loaded = worker(tree, mode + "load", path, options.firms, pickled,
                            options.timeout) if "error" not in saved and loads else \
                {"error": "not saved" if loads else "not asked"}
            for p in files_of(path):
                p.unlink()
            measured[label] = (saved, loaded, size)
            print(f"{extension:8s} {label:6s} ({ext}) save {saved} load {loaded} "
                  f"{size / 1e6:.1f} MB", flush=True)
        rows.append((extension, measured))

    before_name = "pandas" if plain_baseline else "before"
    print(f"\n| format | op | now: wall s (CPU s) | now: peak GiB | "
          f"{before_name}: wall s (CPU s) | {before_name}: peak GiB | "
          f"CPU ratio now/{before_name} | peak ratio | "
          "plain library wall s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for extension, measured in rows:
        for op, index in (("save", 0), ("load", 1)):
            now = measured["now"][index]
            before = measured["before"][index] if "before" in measured else {"error": "none"}

            def cell(m):
                if "error" in m:
                    return f"failed: {m['error'][:60]}", "-"
                return f"{m['wall']:.2f} ({m['cpu']:.2f})", gib(m["peak"])
            ratio = peak_ratio = "-"
            if "error" not in now and "error" not in before:
                ratio = f"{now['cpu'] / before['cpu']:.2f}"
                peak_ratio = f"{now['peak'] / max(before['peak'], 1):.2f}"
            elif "error" not in now and "timeout" in before:
                ratio = f"< {now['wall'] / before['timeout']:.2f} (wall)"
            reference = plain.get(extension)
            print(f"| {extension} | {op} | {cell(now)[0]} | {cell(now)[1]} | {cell(before)[0]} | "
                  f"{cell(before)[1]} | {ratio} | {peak_ratio} | "
                  f"{f'{reference[index]:.2f}' if reference else '-'} |")
    loaded = [m["now"][1] for _, m in rows if "error" not in m["now"][1]]
    saved = [m["now"][0] for _, m in rows if "error" not in m["now"][0]]
    if not loaded and saved:  # the process that saved held the ecosystem (and Python)
        size = min(m["held"] for m in saved)
        print(f"\nthe saving process held {gib(size)} GiB before it saved (the ecosystem "
              "and the interpreter)")
        for extension, measured in rows:
            if "error" not in measured["now"][0]:
                print(f"{extension}: save peak / held: {measured['now'][0]['peak'] / size:.2f}")
    if loaded:
        size = max(m["kept"] for m in loaded)
        print(f"\nthe loaded ecosystem holds about {gib(size)} GiB; peak memory during a load "
              "or save is reported above in addition to what the process held before")
        for extension, measured in rows:
            ratios = [f"{op} {m['peak'] / size:.2f}" for op, m in
                      (("save", measured["now"][0]), ("load", measured["now"][1]))
                      if "error" not in m]
            print(f"{extension}: peak / loaded ecosystem: {', '.join(ratios)}")
    print(f"machine load at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
