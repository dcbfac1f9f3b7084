"""``ecobelt`` subcommands contributed by :mod:`networks`."""


def register(subparsers) -> None:
    """Add this package's subcommands to the ``ecobelt`` parser."""
