"""xuetong (学通): community and lifelong-learning platforms.

Record classes (``Learner``, ``Venue``, ``Course``, ``Session``,
``Enrolment``, ``Scan``, ``Excusal``, ``Outcome``, ``Club``, ``ClubMember``,
``Instructor``, ``CategoryDef``) validate on construction and raise ``ValidationError``
with every problem. ``read_bundle`` reads a season bundle folder;
``validate_table`` reads Arrow tables; ``evaluate_attendance`` and
``compute_credits`` run the attendance and credit engines on tables;
``run_season`` runs a whole season on a bundle and returns its tables;
``call`` runs any operation of the JSON API. The rules run in the Rust core, which releases the GIL while it
works.

>>> import xuetong
>>> [operation["name"] for operation in xuetong.call("list_operations")][:2]
['list_operations', 'list_problem_codes']
"""

from __future__ import annotations

from . import dataframe, schemas
from ._core import (
    Bundle,
    CategoryDef,
    Club,
    ClubMember,
    Course,
    Enrolment,
    Excusal,
    Instructor,
    Learner,
    Outcome,
    Scan,
    Schema,
    Session,
    Table,
    Venue,
    __version__,
    call,
    call_json,
    read_bundle,
)
from ._engines import AttendanceResult, CreditResult, compute_credits, evaluate_attendance
from ._errors import BundleError, ProblemDict, ValidationError, XuetongError
from ._season import SeasonResult, run_season
from ._reports import FileReport, ReadReport, TableReport, ValidatedTable
from ._tables import ArrowStreamExportable, validate_table

__all__ = [
    "ArrowStreamExportable",
    "AttendanceResult",
    "Bundle",
    "BundleError",
    "CategoryDef",
    "Club",
    "ClubMember",
    "Course",
    "CreditResult",
    "Enrolment",
    "Excusal",
    "FileReport",
    "Instructor",
    "Learner",
    "Outcome",
    "ProblemDict",
    "ReadReport",
    "Scan",
    "SeasonResult",
    "Schema",
    "Session",
    "Table",
    "TableReport",
    "ValidatedTable",
    "ValidationError",
    "Venue",
    "XuetongError",
    "__version__",
    "call",
    "call_json",
    "compute_credits",
    "dataframe",
    "evaluate_attendance",
    "read_bundle",
    "run_season",
    "schemas",
    "validate_table",
]
