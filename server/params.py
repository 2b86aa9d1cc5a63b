"""Query-string parameters every view reads the same way."""

from __future__ import annotations

from flask import request

from .errors import HttpProblem

__all__ = ["int_arg"]


def int_arg(name: str, default: int, highest: int) -> int:
    """The whole number ``?name=`` (1 to ``highest``; ``default`` when absent or empty).

    Raises
    ------
    HttpProblem
        400 naming the parameter, for a value that is not a whole number or out of range.
    """
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpProblem(400, f"{name}={raw!r} is not a whole number") from None
    if not 1 <= value <= highest:
        raise HttpProblem(400, f"{name}={value} is out of range: use 1 to {highest}")
    return value
