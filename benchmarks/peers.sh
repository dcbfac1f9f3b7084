#!/bin/sh
# Benchmark-only peers (stockpyl, scikit-fuzzy, coopgame-py) in their own virtual environment,
# .venv-peers at the top of the repository, never in the project's environment: stockpyl's
# .pth file alone adds most of a second to every Python start there, which skews whole-process
# timings of ecobelt itself.
#
# The environment sees the project's packages (--system-site-packages), so ecobelt, numpy and
# scipy are the very ones the project runs; only the peers are added on top. Run a benchmark
# that compares with a peer through it:
#
#     sh benchmarks/peers.sh
#     .venv-peers/bin/python benchmarks/bench_bullwhip.py
#
# Every other benchmark runs in the project's environment as before.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-peers"
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv --system-site-packages "$venv"
fi
"$venv/bin/python" -m pip install --quiet stockpyl scikit-fuzzy
# coopgame-py ships compiled wheels for some platforms only: its baseline is skipped without it
"$venv/bin/python" -m pip install --quiet coopgame-py ||
    echo "coopgame-py did not install here: bench_benefit.py will skip its baseline"
"$venv/bin/python" - <<'PY'
from importlib import metadata
for name in ("stockpyl", "scikit-fuzzy", "coopgame-py", "ecobelt", "numpy", "scipy"):
    try:
        print(f"{name} {metadata.version(name)}")
    except metadata.PackageNotFoundError:
        print(f"{name} not installed")
PY
echo "peers ready: $venv/bin/python benchmarks/bench_<name>.py"
