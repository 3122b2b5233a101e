"""Reports of reading bundles and tables: counts, rejected rows, problems."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._core import Table, problems_table
from ._errors import ProblemDict, ValidationError, as_problem


def _problems(items: Sequence[Mapping[str, Any]]) -> tuple[ProblemDict, ...]:
    return tuple(as_problem(item) for item in items)


def _table(problems: Sequence[ProblemDict]) -> Table:
    plain = [{**problem, "path": list(problem["path"])} for problem in problems]
    return problems_table(json.dumps(plain, ensure_ascii=False))


@dataclass(frozen=True)
class FileReport:
    """Counts for one file of a bundle.

    Every row read is accepted or rejected:
    ``rows_read == rows_accepted + rows_rejected``.
    """

    file: str
    encoding: str | None
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    blank_rows: int
    rejected_file: bool


@dataclass(frozen=True)
class ReadReport:
    """Everything reading a bundle found: per-file counts, the problems that
    rejected rows or files, and notices that rejected nothing.

    >>> import xuetong
    >>> report = xuetong.read_bundle("tests/fixtures/broken-bundle").report
    >>> report.is_clean
    False
    >>> report.rows_read == report.rows_accepted + report.rows_rejected
    True
    """

    files: tuple[FileReport, ...]
    problems: tuple[ProblemDict, ...]
    notices: tuple[ProblemDict, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReadReport:
        """Build the report from its JSON form."""
        return cls(
            files=tuple(FileReport(**item) for item in data["files"]),
            problems=_problems(data["problems"]),
            notices=_problems(data["notices"]),
        )

    @property
    def is_clean(self) -> bool:
        """Whether nothing was rejected."""
        return not self.problems

    @property
    def rows_read(self) -> int:
        """The rows read over all files."""
        return sum(file.rows_read for file in self.files)

    @property
    def rows_accepted(self) -> int:
        """The rows accepted over all files."""
        return sum(file.rows_accepted for file in self.files)

    @property
    def rows_rejected(self) -> int:
        """The rows rejected over all files."""
        return sum(file.rows_rejected for file in self.files)

    def file(self, name: str) -> FileReport | None:
        """Return the report of the file ``name``, such as ``"scans.csv"``."""
        return next((file for file in self.files if file.file == name), None)

    def count(self, code: str) -> int:
        """Return how many problems have ``code``."""
        return sum(1 for problem in self.problems if problem["code"] == code)

    def problems_table(self) -> Table:
        """Return the problems as a table with the schema
        ``xuetong.schemas.PROBLEMS``: one row per problem, with the file in
        ``source`` and the line in ``index``."""
        return _table(self.problems)

    def __repr__(self) -> str:
        return (
            f"ReadReport(files={len(self.files)}, rows_read={self.rows_read}, "
            f"rows_rejected={self.rows_rejected}, problems={len(self.problems)}, "
            f"notices={len(self.notices)})"
        )


@dataclass(frozen=True)
class TableReport:
    """What validating a table found.

    Every row is accepted or rejected, and every rejected row has at least
    one problem, at the path ``(table, row, field)`` with a zero-based row.
    A table whose columns are wrong (missing, unknown, duplicated or of the
    wrong type) is rejected whole: ``rejected_table`` is true.
    """

    table: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejected_table: bool
    problems: tuple[ProblemDict, ...]
    rejected_rows: tuple[int, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableReport:
        """Build the report from its JSON form."""
        return cls(
            table=data["table"],
            rows_read=data["rows_read"],
            rows_accepted=data["rows_accepted"],
            rows_rejected=data["rows_rejected"],
            rejected_table=data["rejected_table"],
            problems=_problems(data["problems"]),
            rejected_rows=tuple(data["rejected_rows"]),
        )

    @property
    def is_clean(self) -> bool:
        """Whether every row was accepted."""
        return not self.problems

    def count(self, code: str) -> int:
        """Return how many problems have ``code``."""
        return sum(1 for problem in self.problems if problem["code"] == code)

    def problems_table(self) -> Table:
        """Return the problems as a table with the schema
        ``xuetong.schemas.PROBLEMS``, the row in ``index``."""
        return _table(self.problems)

    def __repr__(self) -> str:
        return (
            f"TableReport(table={self.table!r}, rows_read={self.rows_read}, "
            f"rows_accepted={self.rows_accepted}, rows_rejected={self.rows_rejected}, "
            f"rejected_table={self.rejected_table})"
        )


@dataclass(frozen=True)
class ValidatedTable:
    """The accepted rows of a table in its schema, and the report.

    >>> import pyarrow as pa
    >>> import xuetong
    >>> scans = pa.table({
    ...     "id": ["70000000-0000-4000-8000-000000000001"],
    ...     "session_id": ["50000000-0000-4000-8000-000000000001"],
    ...     "learner_id": ["not a uuid"],
    ...     "scanned_at": ["2026-03-02T08:52:10+08:00"],
    ... })
    >>> result = xuetong.validate_table("scans", scans)
    >>> result.table.num_rows, result.report.rejected_rows
    (0, (0,))
    >>> result.report.problems[0]["code"], result.report.problems[0]["path"]
    ('invalid_uuid', ('scans', 0, 'learner_id'))
    """

    table: Table
    report: TableReport

    def raise_for_problems(self) -> None:
        """Raise ``ValidationError`` with every problem when a row was
        rejected."""
        if self.report.problems:
            raise ValidationError(self.report.problems, f"invalid {self.report.table} table")
