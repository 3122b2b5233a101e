"""The engines on tables: attendance from scans, credits from outcomes.

Both functions take tables (anything with ``__arrow_c_stream__``, or a
pandas data frame), run the Rust core's engines with the GIL released, and
return results whose tables have the schemas of ``xuetong.schemas``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _core
from ._core import Bundle, Table
from ._errors import ValidationError
from ._reports import TableReport
from ._tables import as_arrow


def _optional(data: Any, table: str) -> Any:
    return None if data is None else as_arrow(data, table)


def _aware(value: Any, name: str) -> _dt.datetime:
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            [
                {
                    "code": "invalid_instant",
                    "path": (name,),
                    "message": (
                        f"{name} must be a date and time with a time zone, got the naive "
                        f"datetime {value.isoformat()}; add a tzinfo, such as "
                        "datetime.timezone.utc or zoneinfo.ZoneInfo('Asia/Shanghai')"
                    ),
                    "params": {"field": name, "value": value.isoformat()},
                }
            ],
            f"{name} is not an instant",
        )
    # The core reads instants in UTC; any aware datetime names one.
    return value.astimezone(_dt.timezone.utc)


def _midnight_date(value: _dt.datetime, name: str) -> _dt.date:
    """Read a naive midnight ``datetime``, as pandas stores a date, as its date."""
    # pandas' NaT, a missing time, equals nothing and raises ValueError from time().
    if value != value:
        raise TypeError(f"{name} must be a date, got NaT (no date); pass a datetime.date")
    if value.tzinfo is None and value.time() == _dt.time():
        return value.date()
    raise TypeError(
        f"{name} must be a date, got the datetime {value.isoformat()}; pass a "
        "datetime.date, or a naive datetime at midnight"
    )


def _policy_text(policy: Mapping[str, Any] | str | None) -> str | None:
    if policy is None or isinstance(policy, str):
        return policy
    return json.dumps(dict(policy))


class _PrimaryTable:
    """Delegates the Arrow interface and the conversions to one table."""

    def _primary(self) -> Table:
        raise NotImplementedError

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the primary table as an Arrow C stream."""
        return self._primary().__arrow_c_stream__(requested_schema)

    def to_pyarrow(self) -> Any:
        """Return the primary table as a ``pyarrow.Table``."""
        return self._primary().to_pyarrow()

    def to_pandas(self, **options: Any) -> Any:
        """Return the primary table as a ``pandas.DataFrame``."""
        return self._primary().to_pandas(**options)

    def to_polars(self) -> Any:
        """Return the primary table as a ``polars.DataFrame``."""
        return self._primary().to_polars()


@dataclass(frozen=True, eq=True)
class AttendanceResult(_PrimaryTable):
    """The result of ``evaluate_attendance``.

    Every scan row is in exactly one place: rejected as a row
    (``scan_report``), rejected by the rules (``rejected``), a duplicate
    (``duplicates``), or accepted into a record (``records``). The result is
    itself its ``records`` table: it has ``__arrow_c_stream__``,
    ``to_pandas()``, ``to_polars()`` and ``to_pyarrow()``.
    """

    records: Table
    """One row per learner and session (``schemas.ATTENDANCE_RECORDS``)."""
    rejected: Table
    """Scans the rules rejected, with code and message
    (``schemas.REJECTED_SCANS``)."""
    duplicates: Table
    """Scans that changed nothing (``schemas.DUPLICATE_SCANS``)."""
    course_results: Table
    """One row per learner and course: sessions counted and attended,
    completion and warnings (``schemas.COURSE_RESULTS``)."""
    summary: Mapping[str, Any]
    """Counts: ``scans``, ``accepted``, ``rejected``, ``duplicates`` and
    their breakdowns, and ``tokens_verified``."""
    scan_report: TableReport
    """The rows of the scans table that were not scans at all (a bad id or
    a naive time), with their problems."""

    def _primary(self) -> Table:
        return self.records

    def __repr__(self) -> str:
        return (
            f"AttendanceResult(records={self.records.num_rows}, "
            f"rejected={self.rejected.num_rows}, duplicates={self.duplicates.num_rows}, "
            f"course_results={self.course_results.num_rows}, "
            f"rejected_rows={self.scan_report.rows_rejected})"
        )


@dataclass(frozen=True, eq=True)
class CreditResult(_PrimaryTable):
    """The result of ``compute_credits``. The result is itself its ``entries``
    table: it has ``__arrow_c_stream__``, ``to_pandas()``, ``to_polars()``
    and ``to_pyarrow()``."""

    entries: Table
    """The entries a fresh ledger records, amounts as ``Decimal``
    (``schemas.LEDGER_ENTRIES``)."""
    skipped: Table
    """Outcomes that earned no credit, with the reason
    (``schemas.SKIPPED_OUTCOMES``)."""
    rule_set: Mapping[str, Any]
    """The rule set applied: ``id``, ``version`` and ``fingerprint``."""
    outcome_report: TableReport
    """The rows of the outcomes table that were not outcomes, with their
    problems."""

    def _primary(self) -> Table:
        return self.entries

    def __repr__(self) -> str:
        pin = f"{self.rule_set.get('id')}@{self.rule_set.get('version')}"
        return (
            f"CreditResult(rule_set='{pin}', entries={self.entries.num_rows}, "
            f"skipped={self.skipped.num_rows}, "
            f"rejected_rows={self.outcome_report.rows_rejected})"
        )


def evaluate_attendance(
    scans: Any,
    *,
    as_of: _dt.datetime,
    sessions: Any = None,
    courses: Any = None,
    venues: Any = None,
    learners: Any = None,
    enrolments: Any = None,
    excusals: Any = None,
    outcomes: Any = None,
    bundle: Bundle | None = None,
    policy: Mapping[str, Any] | str | None = None,
    token_key: str | None = None,
    locale: str = "en",
) -> AttendanceResult:
    """Evaluate a table of scans into attendance records, rejected and
    duplicate scans, and course results, with the core's attendance engine.

    ``scans`` and the other tables are anything with ``__arrow_c_stream__``
    (a pyarrow table, a polars data frame, a ``xuetong.Table``) or a pandas
    data frame, with the columns of ``xuetong.schemas``. The sessions,
    courses, enrolments and so on come either as tables or from a
    ``bundle`` (``xuetong.read_bundle``); with a bundle the tables are
    ignored. ``as_of`` is the evaluation time, an aware ``datetime``:
    sessions that ended by then are held, later scans are not yet known.
    ``policy`` is an attendance policy document (a dict or JSON text), and
    the default policy when ``None``. ``token_key`` is the platform key in
    hexadecimal; without it tokens are not checked. The GIL is released
    while the core reads the tables and evaluates.

    Raises ``ValidationError`` when a reference table has rejected rows, the
    tables disagree (a session of an unknown course), or the policy or key
    is invalid. Scan rows that are not scans are not errors: they are in
    ``scan_report``.

    >>> import datetime as dt, xuetong
    >>> bundle = xuetong.read_bundle("examples/bundle")
    >>> result = xuetong.evaluate_attendance(
    ...     bundle.table("scans"),
    ...     bundle=bundle,
    ...     as_of=dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc),
    ... )
    >>> result.summary["scans"] == len(bundle.scans)
    True
    >>> result.records.column_names[:5]
    ['session_id', 'learner_id', 'course_id', 'club_id', 'status']
    """
    records, rejected, duplicates, course_results, summary, report = _core.attendance_tables(
        as_arrow(scans, "scans"),
        as_of=_aware(as_of, "as_of"),
        sessions=_optional(sessions, "sessions"),
        courses=_optional(courses, "courses"),
        venues=_optional(venues, "venues"),
        learners=_optional(learners, "learners"),
        enrolments=_optional(enrolments, "enrolments"),
        excusals=_optional(excusals, "excusals"),
        outcomes=_optional(outcomes, "outcomes"),
        bundle=bundle,
        policy=_policy_text(policy),
        token_key=token_key,
        locale=locale,
    )
    return AttendanceResult(
        records=records,
        rejected=rejected,
        duplicates=duplicates,
        course_results=course_results,
        summary=json.loads(summary),
        scan_report=TableReport.from_dict(json.loads(report)),
    )


def compute_credits(
    outcomes: Any,
    *,
    rule_set: Mapping[str, Any] | str,
    recorded_on: _dt.date,
    courses: Any = None,
    venues: Any = None,
    categories: Any = None,
    learners: Any = None,
    bundle: Bundle | None = None,
) -> CreditResult:
    """Compute the credits of a table of learning outcomes under a rule set,
    with the core's credit engine, and return the entries a fresh ledger
    records on ``recorded_on``.

    ``rule_set`` is the name of a built-in rule set (``"community"``, or
    ``"community@1"`` for one version) or a rule set document (a dict).
    ``outcomes`` and the other tables are anything with
    ``__arrow_c_stream__`` or a pandas data frame. The courses, venues,
    category definitions and learners come either as tables or from a
    ``bundle``. Outcomes dated after ``recorded_on`` earn nothing yet.
    ``recorded_on`` is a ``date``, or a naive ``datetime`` at midnight, the
    form pandas gives a date in, which is read as its date. The GIL is
    released while the core computes. Amounts are exact
    (``decimal128(18, 2)``, ``Decimal`` in pandas).

    Raises ``ValidationError`` for an unknown or invalid rule set, a rule
    set that names categories the taxonomy lacks, or rejected rows of a
    reference table. Outcome rows that are not outcomes are in
    ``outcome_report``.

    >>> import datetime as dt
    >>> import pyarrow as pa
    >>> import xuetong
    >>> outcomes = pa.table({
    ...     "source_system": ["club"],
    ...     "source_key": ["1"],
    ...     "learner_id": ["20000000-0000-4000-8000-000000000001"],
    ...     "kind": ["volunteer_service"],
    ...     "occurred_on": [dt.date(2026, 3, 1)],
    ...     "minutes": [150],
    ... })
    >>> result = xuetong.compute_credits(
    ...     outcomes, rule_set="community", recorded_on=dt.date(2026, 3, 31)
    ... )
    >>> result.entries.to_pyarrow().column("amount").to_pylist()
    [Decimal('0.20')]
    """
    if isinstance(recorded_on, _dt.datetime):
        recorded_on = _midnight_date(recorded_on, "recorded_on")
    if not isinstance(recorded_on, _dt.date):
        raise TypeError(f"recorded_on must be a date, got {type(recorded_on).__name__}")
    if not isinstance(rule_set, (str, Mapping)):
        raise TypeError(
            "rule_set must be the name of a built-in rule set or a rule set document "
            f"(a mapping), got {type(rule_set).__name__}"
        )
    document = not isinstance(rule_set, str)
    text = rule_set if isinstance(rule_set, str) else json.dumps(dict(rule_set))
    entries, skipped, pin, report = _core.credit_tables(
        as_arrow(outcomes, "outcomes"),
        rule_set=text,
        recorded_on=recorded_on,
        rule_set_is_document=document,
        courses=_optional(courses, "courses"),
        venues=_optional(venues, "venues"),
        categories=_optional(categories, "categories"),
        learners=_optional(learners, "learners"),
        bundle=bundle,
    )
    return CreditResult(
        entries=entries,
        skipped=skipped,
        rule_set=json.loads(pin),
        outcome_report=TableReport.from_dict(json.loads(report)),
    )
