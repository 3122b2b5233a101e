"""pandas helpers for partitioned runs, such as Dask's ``map_partitions``.

Each helper takes one partition (a ``pandas.DataFrame``) and returns a
frame, so it runs unchanged on one machine or on every worker of a cluster.
``meta`` gives the empty frame that Dask needs to know a result's columns.

>>> import pandas as pd
>>> from xuetong import dataframe
>>> frame = pd.DataFrame({
...     "source_system": ["gate", "gate"],
...     "source_key": ["1", "2"],
...     "session_id": ["50000000-0000-4000-8000-000000000001"] * 2,
...     "learner_id": ["20000000-0000-4000-8000-000000000001", "nobody"],
...     "scanned_at": ["2026-03-02T08:52:10+08:00"] * 2,
... })
>>> len(dataframe.accepted_rows(frame, "scans"))
1
>>> dataframe.rejected_rows(frame, "scans")[["frame_index", "code", "field"]]
   frame_index          code       field
0            1  invalid_uuid  learner_id
"""

from __future__ import annotations

import datetime as _dt
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._engines import compute_credits, evaluate_attendance
from ._tables import validate_table
from .schemas import SCHEMAS

if TYPE_CHECKING:
    import pandas as _pandas


def meta(table: str) -> _pandas.DataFrame:
    """Return an empty frame with the columns and dtypes of ``table``'s
    schema (a record table, or ``"problems"``)."""
    frame: _pandas.DataFrame = SCHEMAS[table].empty_table().to_pandas()
    return frame


def accepted_rows(frame: _pandas.DataFrame, table: str) -> _pandas.DataFrame:
    """Validate the rows of ``frame`` as the record table ``table`` and return
    the accepted ones in the table's schema, in input order."""
    accepted: _pandas.DataFrame = validate_table(table, frame).table.to_pandas()
    return accepted


def rejected_rows(frame: _pandas.DataFrame, table: str) -> _pandas.DataFrame:
    """Validate the rows of ``frame`` as the record table ``table`` and return
    their problems in the schema ``xuetong.schemas.PROBLEMS``.

    A first column ``frame_index`` holds the index label of each problem's
    row in ``frame``, because the ``index`` column is the row's position
    within this partition only."""
    problems: _pandas.DataFrame = validate_table(table, frame).report.problems_table().to_pandas()
    labels: list[Any] = [
        frame.index[int(position)] if position == position and position is not None else None
        for position in problems["index"]
    ]
    problems.insert(0, "frame_index", labels)
    return problems


def rejected_meta() -> _pandas.DataFrame:
    """Return the empty frame that ``rejected_rows`` returns, for ``meta``."""
    problems = meta("problems")
    problems.insert(0, "frame_index", problems["index"].astype("object"))
    return problems


def partition_of(values: _pandas.Series, partitions: int) -> _pandas.Series:
    """Return a partition number from 0 to ``partitions - 1`` for each value
    (an id as text), the same in every process: the CRC-32 of the text
    modulo ``partitions``. Python's ``hash`` differs between processes, so
    it cannot place rows on workers."""
    numbers: _pandas.Series = values.map(
        lambda value: zlib.crc32(str(value).encode("utf-8")) % partitions
    )
    return numbers


def attendance_partitions(sessions: _pandas.DataFrame, partitions: int) -> dict[str, int]:
    """Map each session id to its attendance partition.

    A course's sessions share a partition, because a learner's course result
    counts every session of the course; a session without a course (a club
    activity) is placed by its own id."""
    keys = sessions["course_id"].where(sessions["course_id"].notna(), sessions["id"])
    numbers = partition_of(keys.astype(str), partitions)
    return dict(zip(sessions["id"].astype(str), numbers, strict=True))


def attendance(
    scans: _pandas.DataFrame,
    output: str,
    *,
    sessions: _pandas.DataFrame,
    partitions: int,
    as_of: _dt.datetime,
    enrolments: _pandas.DataFrame | None = None,
    excusals: _pandas.DataFrame | None = None,
    partition_info: Mapping[str, Any] | None = None,
    **options: Any,
) -> _pandas.DataFrame:
    """Evaluate the attendance of one partition of scans and return the
    result table ``output`` (``"records"``, ``"rejected"``, ``"duplicates"``
    or ``"course_results"``).

    Use it in Dask's ``map_partitions`` on scans indexed by
    ``attendance_partitions`` with one partition per number (see
    ``docs/python.md``). Dask passes ``partition_info``; its ``number``
    picks this partition's sessions, enrolments and excusals from the full
    tables, so that every session, with or without scans, is evaluated in
    exactly one partition. Without ``partition_info`` the whole input is one
    partition. Other keyword arguments go to ``evaluate_attendance``
    (``courses``, ``venues``, ``learners``, ``outcomes``, ``policy``,
    ``token_key``, ``locale``)."""
    number = None if partition_info is None else partition_info["number"]
    if number is not None:
        placed = attendance_partitions(sessions, partitions)
        own = {session for session, part in placed.items() if part == number}
        sessions = sessions[sessions["id"].astype(str).isin(own)]
        courses = set(sessions["course_id"].dropna().astype(str))
        if enrolments is not None:
            enrolments = enrolments[enrolments["course_id"].astype(str).isin(courses)]
        if excusals is not None:
            excusals = excusals[excusals["session_id"].astype(str).isin(own)]
    result = evaluate_attendance(
        scans.reset_index(drop=True)[[c for c in scans.columns if c in SCHEMAS["scans"].names]],
        sessions=sessions,
        enrolments=enrolments,
        excusals=excusals,
        as_of=as_of,
        **options,
    )
    table = getattr(result, output)
    frame: _pandas.DataFrame = table.to_pandas()
    return frame


def credits(
    outcomes: _pandas.DataFrame,
    output: str,
    *,
    rule_set: Mapping[str, Any] | str,
    recorded_on: _dt.date,
    **options: Any,
) -> _pandas.DataFrame:
    """Compute the credits of one partition of outcomes and return the
    result table ``output`` (``"entries"`` or ``"skipped"``).

    Partition outcomes by ``learner_id``: caps and limits add up one
    learner's outcomes, so each learner's outcomes must be in one partition.
    Other keyword arguments go to ``compute_credits`` (``courses``,
    ``venues``, ``categories``, ``learners``)."""
    columns = [column for column in outcomes.columns if column in SCHEMAS["outcomes"].names]
    result = compute_credits(
        outcomes.reset_index(drop=True)[columns],
        rule_set=rule_set,
        recorded_on=recorded_on,
        **options,
    )
    table = getattr(result, output)
    frame: _pandas.DataFrame = table.to_pandas()
    return frame
