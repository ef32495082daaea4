"""Errors of the results layer."""

from __future__ import annotations


class ResultsError(Exception):
    """A result folder or a results table is not what it should be.

    The message names the folder or file and what was expected; the CLI prints it and exits with
    status 2 when the cause is the user's input (for example a wrong folder given to
    ``ceasefire plot``).
    """


class OutputExistsError(ResultsError):
    """The requested output folder exists and is not empty (and ``force`` was not given)."""
