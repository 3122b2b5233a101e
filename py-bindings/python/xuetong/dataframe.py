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

from typing import TYPE_CHECKING, Any

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
