"""The one way a ``seed`` argument becomes a random generator.

Every stochastic function takes ``seed`` (a whole number >= 0, a
:class:`numpy.random.Generator` or None) and passes it here, so they all
accept and reject the same values.
"""

from __future__ import annotations

import numpy as np

from ._errors import ParameterError

__all__ = ["Seed", "as_generator"]

#: What a ``seed`` parameter accepts.
Seed = int | np.integer | np.random.Generator | None


def as_generator(seed: Seed, name: str = "seed") -> np.random.Generator:
    """The generator a ``seed`` argument stands for.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        A whole number >= 0 starts a new PCG64 stream (the same number, the
        same stream); a Generator is used as it is (so successive calls draw
        on); None draws fresh entropy from the operating system.
    name : str, optional
        The parameter's name in the error message.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ParameterError
        A bool, a float, a negative number or anything else.

    Examples
    --------
    >>> as_generator(7).random() == as_generator(7).random()
    True
    >>> rng = np.random.default_rng(1)
    >>> as_generator(rng) is rng
    True
    >>> as_generator(-1)
    Traceback (most recent call last):
    ...
    ecosystem.ParameterError: seed must be a whole number >= 0, a numpy.random.Generator or None, got -1
    """  # noqa: E501
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)) \
            and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ParameterError(f"{name} must be a whole number >= 0, a numpy.random.Generator or None, "
                         f"got {seed!r}")
