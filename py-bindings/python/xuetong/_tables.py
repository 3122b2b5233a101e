"""Table inputs: anything that speaks the Arrow PyCapsule interface."""

from __future__ import annotations

import json
import sys
from typing import Any, Protocol

from . import _core
from ._errors import ValidationError
from ._reports import TableReport, ValidatedTable


class ArrowStreamExportable(Protocol):
    """An object with the Arrow PyCapsule stream interface, such as a
    ``pyarrow.Table``, a ``polars.DataFrame`` or a ``xuetong.Table``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


def as_arrow(data: Any, table: str) -> Any:
    """Return ``data``, the record table ``table``, as an object with
    ``__arrow_c_stream__``.

    A ``pandas.DataFrame`` goes through ``pyarrow.Table.from_pandas`` without
    its index, so a filtered or shuffled frame does not bring an index
    column along. A pandas column that pyarrow cannot convert, such as one
    that mixes text and datetimes, raises ``ValidationError``. A
    ``polars.DataFrame`` column of polars' ``Null`` type
    (every value ``None``) becomes a text column of nulls, which reads the
    same, because polars exports ``Null`` columns with a buffer that the
    Arrow C data interface does not allow for that type. Other objects must
    have ``__arrow_c_stream__``.
    """
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(data, pandas.DataFrame):
        import pyarrow

        try:
            return pyarrow.Table.from_pandas(data, preserve_index=False)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, pyarrow.ArrowNotImplementedError):
            error = _unconvertible_columns(data, table)
            if error is None:
                raise
            raise error from None
    polars = sys.modules.get("polars")
    if polars is not None and isinstance(data, polars.DataFrame):
        nulls = [name for name, dtype in data.schema.items() if dtype == polars.Null]
        if nulls:
            return data.with_columns(polars.col(nulls).cast(polars.String))
    if hasattr(data, "__arrow_c_stream__"):
        return data
    raise TypeError(
        "a table must have the Arrow PyCapsule interface (__arrow_c_stream__), such as "
        f"a pyarrow.Table, a polars.DataFrame or a pandas.DataFrame; got {type(data).__name__}"
    )


def _unconvertible_columns(frame: Any, table: str) -> ValidationError | None:
    """Return the error for the columns of a pandas frame that pyarrow
    cannot convert, one problem for each at ``(table, column)``, or
    ``None`` when each column converts on its own."""
    import pyarrow

    problems = []
    for name in frame.columns:
        column = frame[name]
        try:
            pyarrow.Array.from_pandas(column)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, pyarrow.ArrowNotImplementedError):
            pass
        else:
            continue
        # None and NaN are how pandas marks a missing value in any column.
        types = sorted(
            {
                type(value).__name__
                for value in column
                if value is not None and not (isinstance(value, float) and value != value)
            }
        )
        found = ", ".join(types)
        problems.append(
            {
                "code": "invalid_type",
                "path": (table, str(name)),
                "message": (
                    f"column {name} must contain values of one type, got values of the "
                    f"types {found}; convert it to one type, such as text with "
                    f"frame[{str(name)!r}].astype(str) or instants with "
                    f"pandas.to_datetime(frame[{str(name)!r}], utc=True)"
                ),
                "params": {
                    "field": str(name),
                    "expected": "values of one type",
                    "value": f"a column of the types {found}",
                    "table": table,
                },
            }
        )
    if not problems:
        return None
    return ValidationError(problems, f"the {table} table has columns of mixed types")


def validate_table(table: str, data: Any, *, strict: bool = False) -> ValidatedTable:
    """Validate the rows of the record table ``table`` (such as
    ``"scans"``), releasing the GIL while the core reads them.

    ``data`` is any object with ``__arrow_c_stream__`` (a pyarrow table, a
    polars data frame, a ``xuetong.Table``) or a pandas data frame. Its
    columns are named after the record's fields; each may be text, read
    exactly like a CSV cell, or of the field's Arrow type. Floats are refused
    for credits and for text fields, and naive timestamps for instants.

    Returns the accepted rows in the schema ``xuetong.schemas.SCHEMAS[table]``
    and the report of the rejected ones. With ``strict=True`` a rejected row
    raises ``ValidationError`` instead. A pandas column whose values are of
    several types, which Arrow cannot hold, raises ``ValidationError`` with
    one problem for each such column, whatever ``strict`` is.

    Each row is checked on its own, as ``read_bundle`` checks each file
    before linking: references to other tables are not checked here.
    """
    accepted, report_text = _core.validate_table(table, as_arrow(data, table))
    result = ValidatedTable(accepted, TableReport.from_dict(json.loads(report_text)))
    if strict:
        result.raise_for_problems()
    return result
