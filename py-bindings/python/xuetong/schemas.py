"""The Arrow schemas of xuetong's tables, as constants.

Record tables have the columns of the bundle's CSV files, in the same order
(see ``docs/bundle-format.md``), with Arrow types: ids and choices as
strings, dates as ``date32``, times of day as ``time32[s]``, instants as
``timestamp[us, tz=UTC]``, credits as ``decimal128(18, 2)``. The sessions
table adds ``starts_at``, ``ends_at`` and ``minutes`` when a session's time
zone is known; on input those columns are ignored and computed again.

>>> from xuetong import schemas
>>> schemas.SCANS.names[:6]
['id', 'source_system', 'source_key', 'session_id', 'learner_id', 'scanned_at']
>>> sorted(schemas.SCHEMAS)[:3]
['categories', 'club_members', 'clubs']
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
