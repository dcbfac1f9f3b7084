"""Saving and loading ecosystems: ecobelt's files against the plain libraries underneath.

Run: ``python benchmarks/bench_files.py [n_firms]`` (default 5000: about 5,100 members
and 50,000 links). For each format it times ``save`` and ``load`` (best of 2) and a
named baseline doing the bare minimum in the same process:

- yaml: PyYAML's C loader/dumper (``yaml.CSafeLoader`` / ``CSafeDumper``) on the same spec
  dictionary, without any checks;
- json: ``json.loads`` / ``json.dumps`` of the same spec dictionary;
- csv: ``pandas.read_csv`` of the two files + ``Ecosystem.from_pandas`` (no type header
  decoding), and ``DataFrame.to_csv`` of ``eco.to_pandas()``;
- graphml, gexf: networkx's ``read_graphml`` / ``write_graphml`` and ``read_gexf`` /
  ``write_gexf`` of ``eco.graph`` (which loses lists, None and mixed types, see
  ecosystem.files).

ecobelt's load also checks every member and link (roles, rings, flows, dangling links,
numbers) and restores exact types.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import networkx as nx
import pandas as pd
import yaml

import networks
from _timing import header, timed
from ecosystem import Ecosystem
from ecosystem import _spec
from ecosystem.files import load, save


def best(function) -> float:
    """Best wall seconds of 2 runs."""
    return timed(function, repeat=2).wall


def main(n_firms: int = 5000) -> None:
    print(header(__doc__.splitlines()[0], "networkx", "pandas", "pyyaml"))
    eco = networks.industrial_belt(n_firms, seed=1)
    print(f"{eco!r}")
    folder = tempfile.mkdtemp()
    spec = _spec.to_spec(eco)
    rows = []

    def path(name: str) -> str:
        return os.path.join(folder, name)

    for extension in ("yaml", "json", "csv", "graphml", "gexf"):
        ours = path(f"eco.{extension}")
        save_time = best(lambda: save(eco, ours))
        load_time = best(lambda: load(ours))
        assert load(ours) == eco
        base = path(f"base.{extension}")
        if extension == "yaml":
            text = yaml.dump(spec, Dumper=yaml.CSafeDumper, sort_keys=False)
            base_save = best(lambda: yaml.dump(spec, Dumper=yaml.CSafeDumper, sort_keys=False))
            base_load = best(lambda: yaml.load(text, Loader=yaml.CSafeLoader))
        elif extension == "json":
            text = json.dumps(spec)
            base_save = best(lambda: json.dumps(spec))
            base_load = best(lambda: json.loads(text))
        elif extension == "csv":
            members, links = eco.to_pandas()

            def write_frames():
                members.to_csv(path("base.members.csv"), index=False)
                links.to_csv(path("base.links.csv"), index=False)

            def read_frames():
                Ecosystem.from_pandas(pd.read_csv(path("base.members.csv"), dtype={"id": str}),
                                      pd.read_csv(path("base.links.csv"),
                                                  dtype={"source": str, "target": str}))

            base_save = best(write_frames)
            base_load = best(read_frames)
        elif extension == "graphml":
            base_save = best(lambda: nx.write_graphml(eco.graph, base))
            base_load = best(lambda: nx.read_graphml(base))
        else:
            base_save = best(lambda: nx.write_gexf(eco.graph, base))
            base_load = best(lambda: nx.read_gexf(base))
        size = sum(os.path.getsize(path(f)) for f in os.listdir(folder) if f.startswith("eco."))
        for f in os.listdir(folder):
            os.remove(path(f))
        rows.append((extension, save_time, base_save, load_time, base_load, size / 1e6))
        print(f"{extension:8s} save {save_time:6.2f} s (baseline {base_save:6.2f} s)   "
              f"load {load_time:6.2f} s (baseline {base_load:6.2f} s)   {size / 1e6:.1f} MB",
              flush=True)

    print("\n| format | save (s) | baseline save (s) | load (s) | baseline load (s) | "
          "load ratio ecobelt / baseline | file MB |")
    print("|---|---|---|---|---|---|---|")
    for extension, s, bs, lo, bl, mb in rows:
        print(f"| {extension} | {s:.2f} | {bs:.2f} | {lo:.2f} | {bl:.2f} | {lo / bl:.2f} | "
              f"{mb:.1f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
