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


def _arrow_conversion_errors() -> tuple[type[Exception], ...]:
    import pyarrow

    # pyarrow raises OverflowError itself for an int beyond 64 bits.
    return (
        pyarrow.ArrowInvalid,
        pyarrow.ArrowTypeError,
        pyarrow.ArrowNotImplementedError,
        OverflowError,
    )


def as_arrow(data: Any, table: str) -> Any:
    """Return ``data``, the record table ``table``, as an object with
    ``__arrow_c_stream__``.

    A ``pandas.DataFrame`` goes through ``pyarrow.Table.from_pandas`` without
    its index, so a filtered or shuffled frame does not bring an index
    column along. A pandas column that pyarrow cannot convert, such as one
    that mixes text and datetimes or contains an int beyond 64 bits, raises
    ``ValidationError``, as does a column name used twice. A
    ``polars.DataFrame`` column of polars' ``Null`` type
    (every value ``None``) becomes a text column of nulls, which reads the
    same, because polars exports ``Null`` columns with a buffer that the
    Arrow C data interface does not allow for that type. Other objects must
    have ``__arrow_c_stream__``.
    """
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(data, pandas.DataFrame):
        import pyarrow

        duplicates = _duplicate_columns(data, table)
        if duplicates is not None:
            raise duplicates
        try:
            return pyarrow.Table.from_pandas(data, preserve_index=False)
        except _arrow_conversion_errors():
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


def _duplicate_columns(frame: Any, table: str) -> ValidationError | None:
    """Return the error for the column names a pandas frame uses twice, in
    the form the core reports them for an Arrow table, or ``None``. pyarrow
    raises a bare ValueError for them."""
    first_positions: dict[str, int] = {}
    problems = []
    for position, name in enumerate(frame.columns, start=1):
        column = str(name)
        first = first_positions.setdefault(column, position)
        if first == position:
            continue
        problems.append(
            {
                "code": "duplicate_column",
                "path": (table, column),
                "message": (
                    f"the {table} table names column {column} twice, "
                    f"at positions {first} and {position}"
                ),
                "params": {
                    "column": column,
                    "file": f"the {table} table",
                    "first_position": first,
                    "position": position,
                    "table": table,
                },
            }
        )
    if not problems:
        return None
    return ValidationError(problems, f"the {table} table names a column twice")


def _unconvertible_columns(frame: Any, table: str) -> ValidationError | None:
    """Return the error for the columns of a pandas frame that pyarrow
    cannot convert, one problem for each at ``(table, column)``, or
    ``None`` when each column converts on its own."""
    import pyarrow

    # An unknown table raises ValueError here, as it does for a frame that converts.
    types = _core.schema(table).types
    problems = []
    for name in frame.columns:
        column = frame[name]
        try:
            pyarrow.Array.from_pandas(column)
        except _arrow_conversion_errors() as error:
            failure = str(error)
        else:
            continue
        # None and NaN are how pandas marks a missing value in any column.
        found = sorted(
            {
                type(value).__name__
                for value in column
                if value is not None and not (isinstance(value, float) and value != value)
            }
        )
        if len(found) > 1:
            expected = "values of one type"
            shown = f"a column of the types {', '.join(found)}"
            fault = (
                f"mixes values of the types {', '.join(found)}, "
                "which one Arrow column cannot hold"
            )
        else:
            expected = "values that Arrow can convert"
            shown = f"a column of the type {', '.join(found)}"
            fault = f"has values that Arrow cannot convert: {failure}"
        problems.append(
            {
                "code": "invalid_type",
                "path": (table, str(name)),
                "message": f"column {name} {fault}; convert it with {_conversion(name, types)}",
                "params": {
                    "field": str(name),
                    "expected": expected,
                    "value": shown,
                    "table": table,
                },
            }
        )
    if not problems:
        return None
    return ValidationError(problems, f"the {table} table has columns that Arrow cannot convert")


def _conversion(name: Any, types: dict[str, str]) -> str:
    """Return the pandas code that converts column ``name`` to the Arrow
    type the table's schema gives it, or to text or instants when the
    schema has no such column."""
    column = f"frame[{name!r}]"
    arrow_type = types.get(str(name), "")
    if arrow_type.startswith("Timestamp"):
        return f"pandas.to_datetime({column}, utc=True)"
    if arrow_type == "Date32":
        return f"pandas.to_datetime({column}).dt.date"
    if arrow_type.startswith("Decimal"):
        # Through str, so that a float such as 0.1 keeps its shortest form.
        return f"{column}.map(lambda value: decimal.Decimal(str(value)))"
    if arrow_type.startswith(("UInt", "Int", "Float")):
        return f"pandas.to_numeric({column})"
    if arrow_type == "Utf8":
        return f'{column}.astype("string")'
    return f'{column}.astype("string") or pandas.to_datetime({column}, utc=True)'


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
    raises ``ValidationError`` instead. A pandas column that Arrow cannot
    hold, because its values are of several types or of a type Arrow does
    not convert, raises ``ValidationError`` with one problem for each such
    column, whatever ``strict`` is.

    Each row is checked on its own, as ``read_bundle`` checks each file
    before linking: references to other tables are not checked here.
    """
    accepted, report_text = _core.validate_table(table, as_arrow(data, table))
    result = ValidatedTable(accepted, TableReport.from_dict(json.loads(report_text)))
    if strict:
        result.raise_for_problems()
    return result
