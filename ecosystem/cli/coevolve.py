"""``ecobelt coevolve``: predator-prey, generalized Lotka-Volterra and symbiosis dynamics."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .._errors import ParameterError
from ._common import (add_table_output, print_table, read_csv, read_spec,
                      write_table)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``coevolve`` subcommand and its three models."""
    parser = subparsers.add_parser(
        "coevolve", help="co-evolution dynamics: predator-prey, generalized LV, symbiosis",
        description="Lotka-Volterra co-evolution of enterprise populations (Qian, §3): the "
                    "predator-prey model of upstream and downstream firms, the generalized "
                    "model of an ecosystem's populations, and two-population symbiosis.")
    models = parser.add_subparsers(dest="model", required=True, metavar="MODEL")

    pp = models.add_parser(
        "predator-prey", help="Qian's upstream-downstream model (equations 1-2)",
        description="dx1/dt = a1 x1 - b1 x1 x2, dx2/dt = -a2 x2 + b1 b2 x1 x2: equilibrium "
                    "E(a2/(b1 b2), a1/b1), eigenvalues, trajectory and conserved quantity.")
    pp.add_argument("--a1", type=float, default=1.0, help="upstream growth rate (default 1)")
    pp.add_argument("--a2", type=float, default=0.5, help="downstream decline rate (0.5)")
    pp.add_argument("--b1", type=float, default=0.02, help="downstream purchase rate (0.02)")
    pp.add_argument("--b2", type=float, default=0.5, help="conversion efficiency (0.5)")
    pp.add_argument("--x0", type=float, nargs=2, metavar=("X1", "X2"),
                    help="initial outputs (default: 0.8 and 1.2 times the equilibrium)")
    _add_time_arguments(pp, None)
    pp.set_defaults(func=run_predator_prey)

    glv = models.add_parser(
        "glv", help="generalized Lotka-Volterra of an ecosystem's populations",
        description="x' = x (r + A x), with A built from SPEC (competition from niche "
                    "overlap, predation from upstream-downstream logistics, mutualism from "
                    "service links) or read from --matrix.")
    source = glv.add_mutually_exclusive_group(required=True)
    source.add_argument("spec", nargs="?", metavar="SPEC",
                        help="a spec file or a bundled example's name")
    source.add_argument("--matrix", metavar="CSV",
                        help="the interaction matrix as a CSV with row and column labels")
    glv.add_argument("--r", default="1.0",
                     help="growth rate: a number, or a member attribute name (default 1)")
    glv.add_argument("--x0", default="1.0",
                     help="initial population: a number or a member attribute (default 1)")
    for name, default, text in (("competition", 1.0, "multiplier of the overlap"),
                                ("predation", 0.5, "b1 of the strongest supply link"),
                                ("conversion", 0.5, "b2, downstream conversion"),
                                ("mutualism", 0.1, "benefit of the strongest service link"),
                                ("self-limitation", 1.0, "s_i, the diagonal is -s_i")):
        glv.add_argument(f"--{name}", type=float, default=default,
                         help=f"{text} (default {default:g})")
    glv.add_argument("--on-unbounded", choices=("raise", "flag"), default="raise",
                     help="unbounded mutualism: stop with an error (default) or flag it")
    glv.add_argument("--no-goh", action="store_true",
                     help="skip the search for Goh's diagonal D (large systems)")
    _add_time_arguments(glv, 50.0)
    glv.set_defaults(func=run_glv)

    sym = models.add_parser(
        "symbiosis", help="logistic symbiosis x_i' = r_i x_i (1 - x_i/N_i + sigma_i x_j/N_j)",
        description="Two-population logistic symbiosis; unbounded when both sigmas are "
                    "positive and sigma1 sigma2 >= 1.")
    sym.add_argument("--r", type=float, nargs=2, required=True, metavar=("R1", "R2"),
                     help="intrinsic growth rates of the two populations")
    sym.add_argument("--N", type=float, nargs=2, required=True, metavar=("N1", "N2"),
                     help="carrying capacities of the two populations")
    sym.add_argument("--sigma", type=float, nargs=2, required=True, metavar=("S1", "S2"),
                     help="effect of x2 on x1, and of x1 on x2")
    sym.add_argument("--x0", type=float, nargs=2, metavar=("X1", "X2"),
                     help="initial populations (default 10%% of N)")
    sym.add_argument("--on-unbounded", choices=("raise", "flag"), default="raise",
                     help="unbounded growth: stop with an error (default) or flag it")
    _add_time_arguments(sym, 50.0)
    sym.set_defaults(func=run_symbiosis)


def _add_time_arguments(parser: argparse.ArgumentParser, t_end: float | None) -> None:
    shown = "three small-oscillation periods" if t_end is None else f"{t_end:g}"
    parser.add_argument("--t-end", type=float, default=t_end, help=f"time span ({shown})")
    parser.add_argument("--points", type=int, default=501, help="output times (501)")
    parser.add_argument("--rows", type=int, default=11,
                        help="rows of the trajectory to print (11); --output has them all")
    add_table_output(parser, "the whole trajectory")


def _show_series(series: pd.DataFrame, args: argparse.Namespace) -> None:
    import numpy as np

    if args.rows < 2:
        raise ParameterError(f"--rows must be >= 2, got {args.rows}")
    if len(series):
        picks = np.unique(np.linspace(0, len(series) - 1, min(args.rows, len(series))).round()
                          .astype(int))
        print("\ntrajectory:")
        print_table(series.iloc[picks])
    if args.output:
        write_table(series, args.output)


def run_predator_prey(args: argparse.Namespace) -> int:
    """Print the analysis and a sampled trajectory."""
    from ..dynamics import predator_prey
    x0 = args.x0
    if x0 is None and min(args.b1, args.b2) > 0:
        x0 = (0.8 * args.a2 / (args.b1 * args.b2), 1.2 * args.a1 / args.b1)
    fit = predator_prey(args.a1, args.a2, args.b1, args.b2, x0 if x0 is not None else (1, 1),
                        args.t_end, n_points=args.points)
    e1, e2 = fit.equilibrium
    print(f"equilibrium E = (a2/(b1 b2), a1/b1) = ({e1:.6g}, {e2:.6g})")
    print(f"eigenvalues at E: {fit.eigenvalues[0]:.6g}, {fit.eigenvalues[1]:.6g} (centre)")
    print(f"small-oscillation period 2 pi / sqrt(a1 a2) = {fit.period:.6g}")
    print(f"conserved quantity: relative drift {fit.conserved_drift:.3g}")
    print("\nsensitivity of E (derivatives, elasticities and signs):")
    print_table(fit.sensitivity())
    print("raising b1 lowers both x1* and x2* = a1/b1, and b2 leaves x2* unchanged: against "
          "Qian's text (§3), which reads higher b1, b2 as raising downstream output")
    _show_series(fit.series.set_index("t"), args)
    return 0


def _number_or_name(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _read_matrix(path: str) -> pd.DataFrame:
    frame = read_csv(path, index_col=0)
    frame.index = frame.index.astype(str)
    return frame


def _report_lv(fit, args: argparse.Namespace) -> None:
    print("interaction matrix A:")
    print_table(fit.A)
    print()
    print_table(fit.summary())
    if fit.equilibrium is None:
        print("\nA is singular: no unique interior equilibrium")
    else:
        print(f"\ninterior equilibrium feasible: {fit.feasible}; locally stable: "
              f"{fit.locally_stable}")
    print(f"Goh's diagonal D: {fit.goh.status} ({fit.goh.reason})")
    if fit.globally_stable:
        print("the equilibrium is globally stable in the positive orthant (Goh 1977)")
    if fit.unbounded:
        print("UNBOUNDED growth: the trajectory stops where a population reached the ceiling")
    _show_series(fit.series, args)


def run_glv(args: argparse.Namespace) -> int:
    """Print the interaction matrix, equilibrium, stability and a sampled trajectory."""
    from ..dynamics import generalized_lv
    common = dict(r=_number_or_name(args.r), x0=_number_or_name(args.x0), t_end=args.t_end,
                  n_points=args.points, on_unbounded=args.on_unbounded, goh=not args.no_goh)
    if args.matrix:
        fit = generalized_lv(_read_matrix(args.matrix), **common)
    else:
        fit = generalized_lv(read_spec(args.spec), competition=args.competition,
                             predation=args.predation, conversion=args.conversion,
                             mutualism=args.mutualism, self_limitation=args.self_limitation,
                             **common)
    _report_lv(fit, args)
    return 0


def run_symbiosis(args: argparse.Namespace) -> int:
    """Print the two-population symbiosis analysis."""
    from ..dynamics import symbiosis
    fit = symbiosis(args.r, args.N, tuple(args.sigma), x0=args.x0, t_end=args.t_end,
                    n_points=args.points, on_unbounded=args.on_unbounded)
    _report_lv(fit, args)
    return 0
