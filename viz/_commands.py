"""``ecobelt`` subcommands contributed by :mod:`viz`: ``html`` and ``figure``.

``ecobelt html SPEC -o out.html [--metric NAME ...] [--metrics TABLE.csv] [--competition [T]]``
    The interactive page of :func:`viz.to_html`; ``--competition`` adds the
    niche competition layer (:func:`ecosystem.niche.competition_layer`); ``--renderer``
    picks vis-network or the canvas renderer of large pages (default: by size).
``ecobelt figure [SPEC] --kind KIND -o out.png|svg|pdf ...``
    A figure of :mod:`viz.figures`: ``rings``, ``bullwhip`` and ``niche_overlap``
    from a spec; ``allocation``, ``coupling`` and ``niche_overlap`` from a
    ``--table``; ``phase_portrait`` from ``--parameters``.

Each subcommand is one ``add_*`` function below that adds its parser; to add
a command, write another and list it in :data:`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ecosystem import ParameterError, SpecError
from ecosystem.cli import add_spec_argument, read_spec
from ecosystem.cli._common import CommaList, add_output_argument, hidden_alias
from ecosystem.cli.niche import CLI_INDICES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register", "SUBCOMMANDS", "FIGURES", "add_html", "add_figure", "add_demo",
           "read_table"]

#: The kinds of viz.figures.FIGURE_KINDS (named here so that ``ecobelt`` starts without matplotlib).
FIGURE_KIND_NAMES = ("rings", "bullwhip", "allocation", "niche_overlap", "phase_portrait",
                     "coupling")
_TABLE_KINDS = ("allocation", "coupling", "niche_overlap")
_SPEC_KINDS = ("rings", "bullwhip", "niche_overlap")
#: The figures this package draws for the built-in commands (``ecobelt bullwhip --plot``,
#: ``ecobelt beergame --plot``), as "module:function", imported only when one is drawn; see
#: :func:`ecosystem.cli._common.addon_figure`.
FIGURES = {"bullwhip": "viz.figures:bullwhip_figure",
           "bullwhip_ratios": "viz.figures:bullwhip_ratio_figure"}
_COMPETITION_INDICES = CLI_INDICES


def read_table(path: str) -> pd.DataFrame:
    """A CSV table whose first column is the index (member id, period, ...)."""
    import pandas as pd

    try:
        return pd.read_csv(path, index_col=0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise SpecError(f"not a readable CSV table: {str(error).splitlines()[0]}",
                        file=path) from None


# ------------------------------------------------------------------------------ html
def add_html(subparsers) -> None:
    """``ecobelt html``."""
    parser = subparsers.add_parser(
        "html", help="write the interactive network as one offline HTML page",
        description="Write the ecosystem as one self-contained HTML page (works offline): "
                    "concentric rings, colour by role, links by flow, a legend with a flow "
                    "filter, tooltips with attributes and metrics.")
    add_spec_argument(parser)
    add_output_argument(parser, "-o", "--output", required=True, metavar="out.html",
                        help="the page to write")
    parser.add_argument("--metric", action=CommaList, default=None, metavar="NAME[,NAME...]",
                        help="metrics shown in the tooltips: degree, in_degree, out_degree, "
                             "strength, upstreamness, niche_breadth, or columns of "
                             "--metrics-table; the first one sets node size unless --size-by")
    parser.add_argument("--metrics-table", metavar="TABLE.csv",
                        help="per-member metrics (e.g. Shapley shares): first column the member "
                             "id, one column per metric; every column is shown")
    hidden_alias(parser, "--metrics", "--metrics-table")
    parser.add_argument("--size-by", metavar="NAME",
                        help="metric or numeric member attribute that sets node size")
    parser.add_argument("--fail", action=CommaList, default=None, metavar="ID[,ID...]",
                        help="add a cascade_round metric: the round in which each member fails "
                             "when these members fail (ecosystem.flows.cascade)")
    parser.add_argument("--competition", nargs="?", type=float, const=0.5, default=None,
                        metavar="THRESHOLD",
                        help="draw the niche competition layer: a link between members whose "
                             "niche overlap is at least THRESHOLD (default 0.5), with its own "
                             "legend entry and checkbox (ecosystem.niche.competition_layer)")
    parser.add_argument("--competition-index", choices=_COMPETITION_INDICES, default="pianka",
                        help="overlap index of --competition (default: pianka; "
                             "macarthur_levins draws arrows: u -> v, u presses on v)")
    parser.add_argument("--competition-direction", choices=("in", "out"), default="in",
                        help="--competition resources: a member's providers (in, default, as "
                             "`ecobelt niche`) or its outlets (out)")
    parser.add_argument("--title", help="page title (default: the ecosystem's name)")
    parser.add_argument("--physics", action="store_true",
                        help="start with the force layout on (slow above ~1,000 members)")
    parser.add_argument("--renderer", choices=("auto", "vis", "canvas"), default="auto",
                        help="vis: vis-network; canvas: the page's own renderer for large "
                             "networks (default auto: canvas above 5,000 members or 20,000 "
                             "links)")
    labels = parser.add_mutually_exclusive_group()
    labels.add_argument("--labels", dest="labels", action="store_true", default=None,
                        help="write member ids next to nodes (default: up to 300 members)")
    labels.add_argument("--no-labels", dest="labels", action="store_false",
                        help="no member ids next to nodes (tooltips still name them)")
    parser.set_defaults(func=run_html)


def _html_metrics(eco, args: argparse.Namespace) -> pd.DataFrame:
    import pandas as pd

    from ._metrics import align_metrics, computed_metrics

    table = align_metrics(eco, read_table(args.metrics_table)) if args.metrics_table else \
        pd.DataFrame(index=pd.Index(list(eco), name="id"))
    args.metric = args.metric or []
    wanted = [name for name in dict.fromkeys(args.metric) if name not in table.columns]
    frame = table.join(computed_metrics(eco, wanted)) if wanted else table
    if args.fail:
        from ecosystem.flows import cascade
        rounds = cascade(eco, args.fail).failed["round"]
        frame["cascade_round"] = rounds.reindex(frame.index)
    return frame


def _competition(eco, args: argparse.Namespace) -> dict:
    """``{"competition": layer}`` when --competition is given, else nothing."""
    if args.competition is None:
        return {}
    from ecosystem import niche

    use = niche.resource_matrix(eco, direction=args.competition_direction)
    if use.empty:
        other = "out" if args.competition_direction == "in" else "in"
        raise ParameterError(f"--competition: no member has links in direction "
                             f"{args.competition_direction!r}, so there are no niches to "
                             f"compare; try --competition-direction {other}")
    return {"competition": niche.competition_layer(use, args.competition_index,
                                                   args.competition, eco=eco)}


def run_html(args: argparse.Namespace) -> int:
    """Write the page and print where it went."""
    from .html import to_html

    eco = read_spec(args.spec)
    metrics = _html_metrics(eco, args)
    overlays = _competition(eco, args)
    size_by = args.size_by or (args.metric[0] if args.metric else None)
    page = to_html(eco, args.output, metrics=metrics, size_by=size_by, title=args.title,
                   physics=args.physics, labels=args.labels, overlays=overlays,
                   renderer=args.renderer)
    pairs = "".join(f", {layer.number_of_edges():,} {name} links"
                    for name, layer in overlays.items())
    print(f"wrote {page.path} ({len(eco):,} members{pairs}, {len(page.html) / 1e6:.1f} MB)")
    return 0


# ---------------------------------------------------------------------------- figure
def add_figure(subparsers) -> None:
    """``ecobelt figure``."""
    parser = subparsers.add_parser(
        "figure", help="draw a static figure (PNG, SVG or PDF by extension)",
        description="Draw a figure with matplotlib. From a SPEC: rings (the three-ring "
                    "diagram), bullwhip (a simulated run of the chain to --market), "
                    "niche_overlap (Pianka overlap of the outlets of --role or --members). "
                    "From --table: allocation, coupling, niche_overlap. From --parameters: "
                    "phase_portrait.")
    parser.add_argument("spec", metavar="SPEC", nargs="?",
                        help="a spec file or a bundled example's name (kinds drawn from a spec)")
    parser.add_argument("--kind", required=True, choices=FIGURE_KIND_NAMES,
                        help="which figure to draw")
    add_output_argument(parser, "-o", "--output", kind="figure", required=True,
                        metavar="out.png",
                        help="the figure file (PNG, SVG or PDF, by the extension)")
    parser.add_argument("--table", metavar="TABLE.csv",
                        help="the figure's data, first column the index: allocation (members x "
                             "rules), coupling (periods x indices), niche_overlap (square)")
    parser.add_argument("--parameters", nargs=4, type=float, metavar=("A1", "B1", "A2", "B2"),
                        help="phase_portrait: Qian's predator-prey coefficients a1 (upstream "
                             "growth), b1 (purchase rate), a2 (downstream decline), b2 "
                             "(conversion)")
    parser.add_argument("--market", help="bullwhip: the market whose chain is simulated "
                                         "(default: the first market)")
    parser.add_argument("--role", help="niche_overlap: compare the members of this role "
                                       "(default: the core ring)")
    parser.add_argument("--members", action=CommaList, default=None, metavar="ID[,ID...]",
                        help="niche_overlap: compare these members")
    parser.add_argument("--seed", type=int, default=0, help="bullwhip: random seed (default 0)")
    parser.add_argument("--title", help="figure title")
    parser.set_defaults(func=run_figure)


def run_figure(args: argparse.Namespace) -> int:
    """Draw and save the figure; print where it went."""
    from .figures import FIGURE_KINDS, figure_from_spec, phase_portrait_figure
    from .figures._common import finish, save_format

    output = Path(args.output)
    save_format(output)  # a wrong extension fails before any work
    title = {"title": args.title} if args.title else {}
    if args.kind == "phase_portrait":
        if args.parameters is None:
            raise ParameterError("phase_portrait needs --parameters A1 B1 A2 B2")
        figure = phase_portrait_figure(*args.parameters, **title)
    elif args.table is not None:
        if args.kind not in _TABLE_KINDS:
            raise ParameterError(f"the {args.kind} figure is not drawn from a table; "
                                 f"--table works for {', '.join(_TABLE_KINDS)}")
        figure = FIGURE_KINDS[args.kind](read_table(args.table), **title)
    elif args.spec is not None:
        if args.kind not in _SPEC_KINDS:
            raise ParameterError(f"the {args.kind} figure is not drawn from a spec; give --table"
                                 + (" or --parameters" if args.kind == "phase_portrait"
                                    else ""))
        figure = figure_from_spec(args.kind, read_spec(args.spec), market=args.market,
                                  role=args.role, members=args.members, seed=args.seed,
                                  title=args.title)
    else:
        source = "SPEC" if args.kind in _SPEC_KINDS else "--table TABLE.csv"
        raise ParameterError(f"the {args.kind} figure needs {source}")
    finish(figure, output)
    print(f"wrote {output}")
    return 0


# ------------------------------------------------------------------------------ demo
def add_demo(subparsers) -> None:
    """``ecobelt demo`` (the report is :func:`viz.report.demo`)."""
    parser = subparsers.add_parser(
        "demo", help="write the report of the bundled cross-border belt",
        description="Build the bundled cross-border belt, run every analysis, compare four "
                    "alliance configurations and write a report folder: index.html (offline), "
                    "CSV tables and PNG figures.")
    parser.add_argument("-o", "--output", default="report", metavar="DIR",
                        help="the report folder (default: ./report)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true",
                        help="write into DIR even if it holds files (those of the report's "
                             "names are replaced)")
    parser.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Write the report and print where it is; a folder that holds files is left alone
    unless ``--force``."""
    from .report import demo

    folder = Path(args.output)
    if not args.force and folder.is_dir() and any(folder.iterdir()):
        raise ParameterError(f"-o {args.output}: the folder exists and is not empty; name a "
                             "new folder, or pass --force to write into it")
    print(demo(args.output, seed=args.seed))
    return 0


#: The functions that add this package's subcommands, in ``ecobelt --help`` order.
SUBCOMMANDS = [add_html, add_figure, add_demo]


def register(subparsers) -> None:
    """Add this package's subcommands to the ``ecobelt`` parser."""
    for add in SUBCOMMANDS:
        add(subparsers)
