"""The season run on a bundle, with every result as a table."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _core
from ._core import Bundle, Table
from ._engines import _aware

DEFAULT_HOME_PAGE = "https://platform.invalid"
"""The home page of ``run_season`` when none is given, as in ``xuetong run``:
the ``.invalid`` domain never resolves, so deposits made with it are
visibly not tied to a real platform."""


@dataclass(frozen=True, eq=True)
class SeasonResult:
    """The result of ``run_season``: the season's tables and counts.

    Each table is a ``xuetong.Table`` with ``__arrow_c_stream__``,
    ``to_pandas()``, ``to_polars()`` and ``to_pyarrow()``, in the schema of
    ``xuetong.schemas`` named beside it. ``tables()`` gives them by the name
    of the file ``xuetong run`` writes for each (without ``.csv``).
    """

    attendance_records: Table
    """One row per learner and session (``schemas.ATTENDANCE_RECORDS``)."""
    rejected_scans: Table
    """Scans the rules rejected, with code and message
    (``schemas.REJECTED_SCANS``)."""
    duplicate_scans: Table
    """Scans that changed nothing (``schemas.DUPLICATE_SCANS``)."""
    course_results: Table
    """One row per learner and course (``schemas.COURSE_RESULTS``)."""
    outcomes: Table
    """The outcomes the credit rules read: those made from attendance and
    the bundle's own (``schemas.OUTCOMES``)."""
    credits_skipped: Table
    """Outcomes that earned nothing, with the reason
    (``schemas.SKIPPED_OUTCOMES``)."""
    ledger: Table
    """Every entry of the credit ledger after the run
    (``schemas.LEDGER_ENTRIES``)."""
    statistics: Table
    """The figures of the platform, each district and each street
    (``schemas.STATISTICS``)."""
    club_evaluations: Table
    """One row per club and year (``schemas.CLUB_EVALUATIONS``)."""
    learning_index: Table
    """The district learning index, ranked districts first; no rows when
    the bundle has no district-tier venue (``schemas.LEARNING_INDEX``)."""
    summary: Mapping[str, Any]
    """Counts over the run (``learners``, ``sessions_held``, ``scans``,
    ``scans_accepted``, ``attendance_records``, ``entries_appended`` and
    so on), with ``rule_set`` (its ``id``, ``version`` and
    ``fingerprint``), ``recorded_on``, and the statistics' period
    ``first_day`` and ``last_day``."""

    def tables(self) -> dict[str, Table]:
        """Return every table by the name of its file in ``xuetong run``."""
        return {
            "attendance_records": self.attendance_records,
            "rejected_scans": self.rejected_scans,
            "duplicate_scans": self.duplicate_scans,
            "course_results": self.course_results,
            "outcomes": self.outcomes,
            "credits_skipped": self.credits_skipped,
            "credit_ledger": self.ledger,
            "statistics": self.statistics,
            "club_evaluations": self.club_evaluations,
            "learning_index": self.learning_index,
        }

    def __repr__(self) -> str:
        return (
            f"SeasonResult(attendance_records={self.attendance_records.num_rows}, "
            f"rejected_scans={self.rejected_scans.num_rows}, "
            f"course_results={self.course_results.num_rows}, "
            f"ledger={self.ledger.num_rows}, statistics={self.statistics.num_rows}, "
            f"club_evaluations={self.club_evaluations.num_rows}, "
            f"learning_index={self.learning_index.num_rows})"
        )


def run_season(
    bundle: Bundle,
    *,
    as_of: _dt.datetime,
    home_page: str = DEFAULT_HOME_PAGE,
    rules: Mapping[str, Any] | str | None = None,
    token_key: str | None = None,
    locale: str = "en",
) -> SeasonResult:
    """Run a season on a bundle, as ``xuetong run`` does, and return its
    results as tables.

    The core judges the scans into attendance records and makes outcomes
    of the attended minutes and completions. It applies the credit rules to
    them and records a ledger, then evaluates the clubs. Last, it counts the
    statistics of the platform, districts and streets over the season and
    ranks the districts by the learning index. The GIL is released while it
    runs.

    ``bundle`` comes from ``xuetong.read_bundle``. ``as_of`` is the
    evaluation time, an aware ``datetime``: sessions that ended by then are
    held, and the ledger's entries are recorded on its local date.
    ``home_page`` is the platform's home page, an absolute http or https
    URL. ``rules`` is the name of a built-in rule set (``"community"`` or
    ``"community@1"``) or a rule set document (a dict); ``None`` takes the
    bundle's ``rules.json``, else ``community``. ``token_key`` is the
    platform key in hexadecimal; without it tokens are not checked.
    ``locale`` (``en`` or ``zh-CN``) is the language of the messages.

    Raises ``ValidationError`` for a naive ``as_of``, an unknown or invalid
    rule set, an invalid key or home page, or a bundle the run cannot use.

    >>> import datetime as dt, xuetong
    >>> bundle = xuetong.read_bundle("tests/fixtures/stats-bundle")
    >>> season = xuetong.run_season(
    ...     bundle, as_of=dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
    ... )
    >>> season.learning_index.to_pyarrow().column("unit").to_pylist()
    ['East District College', 'West District College']
    >>> season.summary["scans"] == len(bundle.scans)
    True
    """
    if isinstance(rules, str) or rules is None:
        text, document = rules, False
    else:
        text, document = json.dumps(dict(rules)), True
    (
        records,
        rejected,
        duplicates,
        course_results,
        outcomes,
        skipped,
        ledger,
        statistics,
        clubs,
        index,
        summary,
    ) = _core.season_tables(
        bundle,
        as_of=_aware(as_of, "as_of"),
        home_page=home_page,
        rules=text,
        rules_is_document=document,
        token_key=token_key,
        locale=locale,
    )
    return SeasonResult(
        attendance_records=records,
        rejected_scans=rejected,
        duplicate_scans=duplicates,
        course_results=course_results,
        outcomes=outcomes,
        credits_skipped=skipped,
        ledger=ledger,
        statistics=statistics,
        club_evaluations=clubs,
        learning_index=index,
        summary=json.loads(summary),
    )
