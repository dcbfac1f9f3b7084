"""``ecobelt`` subcommands contributed by :mod:`viz`."""


def register(subparsers) -> None:
    """Add this package's subcommands to the ``ecobelt`` parser."""
