"""The Arrow schemas of xuetong's tables, as constants.

Record tables have the columns of the bundle's CSV files, in the same order
(see ``docs/bundle-format.md``), with Arrow types: ids and choices as
strings, dates as ``date32``, times of day as ``time32[s]``, instants as
``timestamp[us, tz=UTC]``, credits as ``decimal128(18, 2)``. The sessions
table adds ``starts_at``, ``ends_at`` and ``minutes`` when a session's time
zone is known; on input those columns are ignored and computed again.

The result tables of ``evaluate_attendance`` (``ATTENDANCE_RECORDS``,
``REJECTED_SCANS``, ``DUPLICATE_SCANS``, ``COURSE_RESULTS``) and of
``compute_credits`` (``LEDGER_ENTRIES``, ``SKIPPED_OUTCOMES``) and of
``run_season`` (those, ``OUTCOMES``, ``STATISTICS``, ``CLUB_EVALUATIONS``
and ``LEARNING_INDEX``) are here too, for ``meta`` in Dask or the output schema of Spark's ``mapInArrow``.

>>> from xuetong import schemas
>>> schemas.SCANS.names[:6]
['id', 'source_system', 'source_key', 'session_id', 'learner_id', 'scanned_at']
>>> schemas.RECORD_TABLES[:3]
('categories', 'venues', 'learners')
>>> schemas.COURSE_RESULTS.names[-4:]
['assessment', 'completed', 'unmet', 'warnings']
"""

from __future__ import annotations

from ._core import Schema
from ._core import schema as _schema

CATEGORIES: Schema = _schema("categories")
VENUES: Schema = _schema("venues")
LEARNERS: Schema = _schema("learners")
INSTRUCTORS: Schema = _schema("instructors")
CLUBS: Schema = _schema("clubs")
CLUB_MEMBERS: Schema = _schema("club_members")
COURSES: Schema = _schema("courses")
SESSIONS: Schema = _schema("sessions")
ENROLMENTS: Schema = _schema("enrolments")
EXCUSALS: Schema = _schema("excusals")
OUTCOMES: Schema = _schema("outcomes")
SCANS: Schema = _schema("scans")
PROBLEMS: Schema = _schema("problems")
ATTENDANCE_RECORDS: Schema = _schema("attendance_records")
"""The records of ``evaluate_attendance``: one per learner and session."""
REJECTED_SCANS: Schema = _schema("rejected_scans")
"""The scans ``evaluate_attendance`` rejected, with code and message."""
DUPLICATE_SCANS: Schema = _schema("duplicate_scans")
"""The scans that changed nothing, with the scan whose result is kept."""
COURSE_RESULTS: Schema = _schema("course_results")
"""One row per learner and course: counted and attended sessions,
completion, unmet conditions and warnings."""
LEDGER_ENTRIES: Schema = _schema("ledger_entries")
"""The ledger entries of ``compute_credits``."""
SKIPPED_OUTCOMES: Schema = _schema("skipped_outcomes")
"""The outcomes that earned no credit, with the reason."""
STATISTICS: Schema = _schema("statistics")
"""The statistics of ``run_season``: the figures of one scope a row."""
CLUB_EVALUATIONS: Schema = _schema("club_evaluations")
"""The club evaluations of ``run_season``: one row per club and year."""
LEARNING_INDEX: Schema = _schema("learning_index")
"""The district learning index of ``run_season``: one row per district."""

SCHEMAS: dict[str, Schema] = {
    schema.name or "": schema
    for schema in (
        CATEGORIES,
        VENUES,
        LEARNERS,
        INSTRUCTORS,
        CLUBS,
        CLUB_MEMBERS,
        COURSES,
        SESSIONS,
        ENROLMENTS,
        EXCUSALS,
        OUTCOMES,
        SCANS,
        PROBLEMS,
        ATTENDANCE_RECORDS,
        REJECTED_SCANS,
        DUPLICATE_SCANS,
        COURSE_RESULTS,
        LEDGER_ENTRIES,
        SKIPPED_OUTCOMES,
        STATISTICS,
        CLUB_EVALUATIONS,
        LEARNING_INDEX,
    )
}
"""Every schema by table name."""

RECORD_TABLES: tuple[str, ...] = (
    "categories",
    "venues",
    "learners",
    "instructors",
    "clubs",
    "club_members",
    "courses",
    "sessions",
    "enrolments",
    "excusals",
    "outcomes",
    "scans",
)
"""The names of the tables that hold records, in the order a bundle is read."""
