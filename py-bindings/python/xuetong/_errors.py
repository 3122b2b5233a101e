"""The exceptions of xuetong: one root, and the problems as data."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict


class ProblemDict(TypedDict):
    """One problem, as ``ValidationError.errors()`` and the reports list it.

    ``code`` is a stable snake_case code from the catalogue
    (``docs/error-codes.md``), ``path`` the location of the field (keys and
    zero-based indexes, or file names and one-based CSV lines), ``message`` a
    readable sentence, and ``params`` the values the message refers to.
    """

    code: str
    path: tuple[str | int, ...]
    message: str
    params: dict[str, Any]


def as_problem(problem: Mapping[str, Any]) -> ProblemDict:
    """Copy a problem given as a mapping, with its path as a tuple."""
    return {
        "code": str(problem["code"]),
        "path": tuple(problem.get("path", ())),
        "message": str(problem.get("message", "")),
        "params": dict(problem.get("params", {})),
    }


class XuetongError(Exception):
    """The root of every exception that xuetong raises."""

    __module__ = "xuetong"


class ValidationError(XuetongError, ValueError):
    """An input, a record or a request with problems.

    ``errors()`` lists every problem found, not only the first, each with the
    same code, path, message and parameters as the core reports.

    >>> from xuetong import Learner, ValidationError
    >>> try:
    ...     Learner.from_dict({"id": "not-a-uuid", "phone": "13800000000"})
    ... except ValidationError as error:
    ...     for problem in error.errors():
    ...         print(problem["code"], problem["path"])
    personal_data_field ('phone',)
    invalid_uuid ('id',)
    required ('display_name',)
    """

    __module__ = "xuetong"

    def __init__(
        self, problems: Iterable[Mapping[str, Any]], title: str = "invalid input"
    ) -> None:
        self._problems = [as_problem(problem) for problem in problems]
        self.title = title
        super().__init__(self._summary())

    def errors(self) -> list[ProblemDict]:
        """Return a copy of the problems, in the order they were found."""
        return copy.deepcopy(self._problems)

    def _summary(self) -> str:
        count = len(self._problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.title}: {count} {noun}"]
        for problem in self._problems:
            location = _path_text(problem["path"])
            lines.append(f"  {location}: {problem['message']} [{problem['code']}]")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._problems, self.title))


class BundleError(XuetongError, OSError):
    """A bundle that could not be read at all, such as a missing folder.

    Problems in a bundle's rows are not errors: they are in its report.
    """

    __module__ = "xuetong"


def _path_text(path: tuple[str | int, ...]) -> str:
    if not path:
        return "(input)"
    text = ""
    for position, segment in enumerate(path):
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif position == 0:
            text += segment
        else:
            text += f".{segment}"
    return text
