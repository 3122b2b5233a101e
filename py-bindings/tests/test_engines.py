"""The attendance and credit engines on tables, with pyarrow, polars and
pandas inputs. Expected values are worked out by hand from the default
policy: check-in opens 30 minutes before the start, a check-in after the
start plus 10 minutes is late, and a late learner is credited the minutes
from the check-in to the end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import xuetong
from conftest import EXAMPLE_BUNDLE

VENUE = "10000000-0000-4000-8000-000000000001"
COURSE = "40000000-0000-4000-8000-000000000001"
FIRST = "50000000-0000-4000-8000-000000000001"
SECOND = "50000000-0000-4000-8000-000000000002"
ANN = "20000000-0000-4000-8000-000000000001"
BO = "20000000-0000-4000-8000-000000000002"
CAI = "20000000-0000-4000-8000-000000000003"
AS_OF = dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc)

VENUES = {
    "id": [VENUE],
    "name": ["Xiasha Street Adult School"],
    "tier": ["street"],
    "time_zone": ["Asia/Shanghai"],
}
COURSES = {
    "id": [COURSE],
    "title": ["Tai chi"],
    "category": ["tai_chi"],
    "provider_venue_id": [VENUE],
    "walk_in": [False],
    "completion_threshold": ["80"],
}
# Two sessions of 90 minutes, 09:00 to 10:30 Shanghai time.
SESSIONS = {
    "id": [FIRST, SECOND],
    "course_id": [COURSE, COURSE],
    "venue_id": [VENUE, VENUE],
    "date": ["2026-03-02", "2026-03-09"],
    "start_time": ["09:00", "09:00"],
    "end_time": ["10:30", "10:30"],
}
ENROLMENTS = {
    "id": ["60000000-0000-4000-8000-000000000001", "60000000-0000-4000-8000-000000000002"],
    "learner_id": [ANN, BO],
    "course_id": [COURSE, COURSE],
    "requested_at": ["2026-02-01T10:00:00+08:00"] * 2,
    "status": ["confirmed"] * 2,
    "confirmed_at": ["2026-02-01T10:00:00+08:00"] * 2,
}
SCANS = {
    "id": [f"70000000-0000-4000-8000-00000000000{n}" for n in range(1, 7)],
    "session_id": [FIRST, FIRST, FIRST, SECOND, FIRST, FIRST],
    "learner_id": [ANN, ANN, BO, ANN, CAI, "nobody"],
    "scanned_at": [
        "2026-03-02T08:52:00+08:00",  # Ann on time
        "2026-03-02T09:01:00+08:00",  # Ann again: a repeated check-in
        "2026-03-02T09:25:00+08:00",  # Bo late: 09:25 to 10:30 is 65 minutes
        "2026-03-09T09:10:00+08:00",  # Ann on time, at the last on-time minute
        "2026-03-02T09:00:00+08:00",  # Cai has no place: rejected
        "2026-03-02T09:00:00+08:00",  # not a learner id: a rejected row
    ],
}


def make(library: str, columns: dict[str, list[Any]]) -> Any:
    if library == "pyarrow":
        return pa.table(columns)
    if library == "polars":
        return pl.DataFrame(columns)
    return pd.DataFrame(columns)


def evaluate(library: str, **options: Any) -> xuetong.AttendanceResult:
    return xuetong.evaluate_attendance(
        make(library, SCANS),
        sessions=make(library, SESSIONS),
        courses=make(library, COURSES),
        venues=make(library, VENUES),
        enrolments=make(library, ENROLMENTS),
        as_of=AS_OF,
        **options,
    )


@pytest.mark.parametrize("library", ["pyarrow", "polars", "pandas"])
def test_attendance_from_each_library(library: str) -> None:
    result = evaluate(library)
    assert result.scan_report.rejected_rows == (5,)
    assert result.summary["scans"] == 5
    assert result.summary["accepted"] == 3
    assert result.summary["rejected_by_code"] == {"check_in_not_enrolled": 1}
    assert result.summary["duplicates_by_kind"] == {"repeated_check_in": 1}

    records = result.records.to_pyarrow().to_pylist()
    rows = {
        (row["session_id"], row["learner_id"]): (
            row["status"], row["punctuality"], row["credited_minutes"]
        )
        for row in records
    }
    assert rows == {
        (FIRST, ANN): ("present", "on_time", 90),
        (FIRST, BO): ("late", "late", 65),
        (SECOND, ANN): ("present", "on_time", 90),
        (SECOND, BO): ("absent", None, 0),
    }
    assert records[0]["first_check_in"] == dt.datetime(2026, 3, 2, 0, 52, tzinfo=dt.timezone.utc)
    assert [row["course_id"] for row in records] == [COURSE] * 4
    assert [row["club_id"] for row in records] == [None] * 4

    rejected = result.rejected.to_pyarrow()
    assert rejected.column("code").to_pylist() == ["check_in_not_enrolled"]
    assert rejected.column("learner_id").to_pylist() == [CAI]

    courses = result.course_results.to_polars().sort("learner_id")
    assert courses["learner_id"].to_list() == [ANN, BO]
    assert courses["attended_sessions"].to_list() == [2, 1]
    assert courses["counted_sessions"].to_list() == [2, 2]
    assert courses["credited_minutes"].to_list() == [180, 65]
    # Bo attended 1 of 2 sessions, 50 %, below the threshold of 80 %.
    assert courses["completed"].to_list() == [True, False]
    assert courses["unmet"].to_list() == [[], ["below_threshold"]]
    assert courses["completion_threshold"].to_list() == [Decimal("80.00")] * 2


def test_result_tables_have_the_exported_schemas() -> None:
    result = evaluate("pyarrow")
    pairs = [
        (result.records, xuetong.schemas.ATTENDANCE_RECORDS),
        (result.rejected, xuetong.schemas.REJECTED_SCANS),
        (result.duplicates, xuetong.schemas.DUPLICATE_SCANS),
        (result.course_results, xuetong.schemas.COURSE_RESULTS),
    ]
    for table, schema in pairs:
        assert table.to_pyarrow().schema.equals(schema.to_pyarrow(), check_metadata=True)
    # The result itself is its records table.
    assert pa.table(result).equals(result.records.to_pyarrow())
    assert len(result.to_pandas()) == len(result.to_polars()) == 4


def test_messages_follow_the_locale() -> None:
    english = evaluate("pyarrow").rejected.to_pyarrow().column("message")[0].as_py()
    chinese = evaluate("pyarrow", locale="zh-CN").rejected.to_pyarrow().column("message")[0]
    assert english != chinese.as_py()
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese.as_py())


def test_policy_changes_the_outcome() -> None:
    # With a grace of 30 minutes Bo's check-in at 09:25 is on time, and an
    # on-time learner is credited the full 90 minutes.
    result = evaluate("pyarrow", policy={"check_in": {"late_after_start_minutes": 30}})
    records = result.records.to_pandas()
    bo = records[(records.session_id == FIRST) & (records.learner_id == BO)].iloc[0]
    assert (bo.status, bo.credited_minutes) == ("present", 90)


def test_invalid_policy_is_a_validation_error() -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        evaluate("pyarrow", policy={"check_in": {"late_after_start_minutes": -5}})
    assert caught.value.errors()[0]["path"][:2] == ("policy", "check_in")


def test_naive_as_of_is_a_validation_error() -> None:
    with pytest.raises(xuetong.ValidationError, match="naive") as caught:
        xuetong.evaluate_attendance(pa.table(SCANS), as_of=dt.datetime(2026, 3, 31))
    assert caught.value.errors()[0]["code"] == "invalid_instant"


def test_as_of_may_be_in_any_time_zone() -> None:
    # Midnight UTC on 31 March is 08:00 in Shanghai: the same instant.
    shanghai = dt.timezone(dt.timedelta(hours=8))
    tables = {
        "sessions": pa.table(SESSIONS),
        "courses": pa.table(COURSES),
        "venues": pa.table(VENUES),
        "enrolments": pa.table(ENROLMENTS),
    }
    in_shanghai = xuetong.evaluate_attendance(
        pa.table(SCANS), as_of=AS_OF.astimezone(shanghai), **tables
    )
    in_utc = xuetong.evaluate_attendance(pa.table(SCANS), as_of=AS_OF, **tables)
    assert in_utc.records.num_rows > 0
    assert in_shanghai.records.to_pyarrow().equals(in_utc.records.to_pyarrow())


def test_bad_reference_row_is_a_validation_error() -> None:
    sessions = dict(SESSIONS, start_time=["09:00", "25:00"])
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.evaluate_attendance(
            pa.table(SCANS), sessions=pa.table(sessions), venues=pa.table(VENUES), as_of=AS_OF
        )
    assert [problem["path"] for problem in caught.value.errors()] == [
        ("sessions", 1, "start_time")
    ]


def test_missing_course_raises() -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.evaluate_attendance(
            pa.table(SCANS), sessions=pa.table(SESSIONS), venues=pa.table(VENUES), as_of=AS_OF
        )
    assert {problem["code"] for problem in caught.value.errors()} == {"reference_not_in_input"}


def test_attendance_from_a_bundle() -> None:
    bundle = xuetong.read_bundle(EXAMPLE_BUNDLE)
    result = xuetong.evaluate_attendance(bundle.table("scans"), bundle=bundle, as_of=AS_OF)
    summary = result.summary
    assert summary["scans"] == len(bundle.scans)
    assert summary["accepted"] + summary["rejected"] + summary["duplicates"] == summary["scans"]
    assert result.records.num_rows == sum(summary["records_by_status"].values())



def test_bad_scan_row_is_reported_alone() -> None:
    # The bundle's scans table has every optional column of a scan. A bad
    # row between good ones is reported with its row and column, and the
    # other rows give the same results as without it.
    bundle = xuetong.read_bundle(EXAMPLE_BUNDLE)
    scans = bundle.table("scans").to_pyarrow()
    assert scans.column_names == xuetong.schemas.SCANS.to_pyarrow().names
    good = xuetong.evaluate_attendance(scans, bundle=bundle, as_of=AS_OF)

    bad_row = pa.Table.from_pylist(
        [scans.slice(0, 1).to_pylist()[0] | {"learner_id": "nobody"}], schema=scans.schema
    )
    with_bad = pa.concat_tables([scans.slice(0, 1), bad_row, scans.slice(1)])
    result = xuetong.evaluate_attendance(with_bad, bundle=bundle, as_of=AS_OF)
    assert result.scan_report.rejected_rows == (1,)
    assert [(p["code"], p["path"]) for p in result.scan_report.problems] == [
        ("invalid_uuid", ("scans", 1, "learner_id"))
    ]
    assert result.records.to_pyarrow().equals(good.records.to_pyarrow())
    assert result.course_results.to_pyarrow().equals(good.course_results.to_pyarrow())

    # The same scans with every column as text give the same results.
    as_text = pa.table(
        {
            name: [None if value is None else str(value) for value in column.to_pylist()]
            for name, column in zip(scans.column_names, scans.columns)
            if name != "scanned_at"
        }
        | {
            "scanned_at": [
                value.isoformat() for value in scans.column("scanned_at").to_pylist()
            ]
        }
    )
    text_result = xuetong.evaluate_attendance(as_text, bundle=bundle, as_of=AS_OF)
    assert text_result.scan_report.rows_rejected == 0
    assert text_result.records.to_pyarrow().equals(good.records.to_pyarrow())
    assert text_result.duplicates.to_pyarrow().equals(good.duplicates.to_pyarrow())
    assert text_result.rejected.to_pyarrow().equals(good.rejected.to_pyarrow())

def hostile_scans(copies: int) -> tuple[pa.Table, pa.Table]:
    """Return the scans of ``SCANS`` repeated ``copies`` times under fresh
    ids, as a plain table and as a table of the same cells written in
    hostile ways. Every other row is padded with ASCII or Unicode
    whitespace, ids are uppercase, and both tables have a bad id every 7th
    row."""
    plain: dict[str, list[Any]] = {name: [] for name in SCANS}
    hostile: dict[str, list[Any]] = {name: [] for name in SCANS}
    pads = [" ", "\t", "\u3000", "\u00a0", "\n"]
    for copy in range(copies):
        for index in range(len(SCANS["id"])):
            row = {name: SCANS[name][index] for name in SCANS}
            # Hexadecimal letters, so that uppercase ids differ from plain ones.
            row["id"] = f"7abcdef0-0000-4000-8000-{copy * 10 + index:012d}"
            if (copy * 6 + index) % 7 == 3:
                row["id"] = "7000000g-0000-4000-8000-000000000000"
            pad = pads[(copy + index) % len(pads)]
            for name, value in row.items():
                plain[name].append(value)
                odd = value.upper() if name.endswith("id") else value
                hostile[name].append(f"{pad}{odd}{pad}" if index % 2 else odd)
    return pa.table(plain), pa.table(hostile)


def test_hostile_scan_cells_read_like_plain_ones() -> None:
    # 4,000 copies of the six scans are 24,000 rows, more than one task of
    # the parallel reader takes (16,384 rows).
    plain, hostile = hostile_scans(4_000)
    references = {
        "sessions": pa.table(SESSIONS),
        "courses": pa.table(COURSES),
        "venues": pa.table(VENUES),
        "enrolments": pa.table(ENROLMENTS),
    }
    expected = xuetong.evaluate_attendance(plain, as_of=AS_OF, **references)
    # Every 7th row has a bad id, and every copy a learner id that is not one.
    assert expected.scan_report.rows_rejected > 4_000
    assert expected.records.num_rows == 4

    # The hostile cells in several batches, and as large_string and
    # string_view columns.
    batches = hostile.to_batches(max_chunksize=999)
    variants = {
        "batches": pa.Table.from_batches(batches),
        "large_string": hostile.cast(pa.schema([(n, pa.large_string()) for n in SCANS])),
        "string_view": hostile.cast(pa.schema([(n, pa.string_view()) for n in SCANS])),
    }
    for name, scans in variants.items():
        result = xuetong.evaluate_attendance(scans, as_of=AS_OF, **references)
        assert result.scan_report.rejected_rows == expected.scan_report.rejected_rows, name
        assert [p["code"] for p in result.scan_report.problems] == [
            p["code"] for p in expected.scan_report.problems
        ], name
        assert result.summary == expected.summary, name
        for table in ("records", "rejected", "duplicates", "course_results"):
            got = getattr(result, table).to_pyarrow()
            want = getattr(expected, table).to_pyarrow()
            assert got.equals(want), f"{name}: {table}"


def test_empty_scans_table_gives_empty_results() -> None:
    empty = pa.table({name: pa.array([], pa.string()) for name in SCANS})
    result = xuetong.evaluate_attendance(
        empty,
        sessions=pa.table(SESSIONS),
        courses=pa.table(COURSES),
        venues=pa.table(VENUES),
        enrolments=pa.table(ENROLMENTS),
        as_of=AS_OF,
    )
    assert result.summary["scans"] == 0
    assert result.rejected.num_rows == 0
    assert result.duplicates.num_rows == 0
    # Ann and Bo are enrolled and never came to either session.
    records = result.records.to_pyarrow()
    assert records.num_rows == 4
    assert set(records.column("status").to_pylist()) == {"absent"}
    assert records.column("check_in_scan_id").null_count == 4


OUTCOMES = {
    "source_system": ["club", "club", "club"],
    "source_key": ["1", "2", "3"],
    "learner_id": [ANN, ANN, BO],
    "kind": ["volunteer_service"] * 3,
    "occurred_on": [dt.date(2026, 3, 1), dt.date(2026, 3, 8), dt.date(2026, 4, 2)],
    "minutes": [150, 45, 120],
}


@pytest.mark.parametrize("library", ["pyarrow", "polars", "pandas"])
def test_credits_from_each_library(library: str) -> None:
    # The community rules give 0.1 credit per full hour of service: 150
    # minutes are two hours (0.20), and 45 minutes not one, which rounds to zero. Bo's service
    # on 2 April is after the recording date and earns nothing yet.
    result = xuetong.compute_credits(
        make(library, OUTCOMES), rule_set="community", recorded_on=dt.date(2026, 3, 31)
    )
    entries = result.entries.to_pandas()
    assert list(entries["learner_id"]) == [ANN]
    assert list(entries["amount"]) == [Decimal("0.20")]
    assert list(entries["kind"]) == ["accrue"]
    skipped = result.skipped.to_pandas().sort_values("reason")
    assert sorted(skipped["reason"]) == ["after_recording_date", "rounded_to_zero"]
    assert result.rule_set["id"] == "community"
    assert result.entries.to_pyarrow().schema.equals(
        xuetong.schemas.LEDGER_ENTRIES.to_pyarrow(), check_metadata=True
    )


def test_unknown_rule_set_is_a_validation_error() -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.compute_credits(pa.table(OUTCOMES), rule_set="nope", recorded_on=dt.date(2026, 3, 31))
    assert caught.value.errors()[0]["code"] == "unknown_rule_set"


def test_recorded_on_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="must be a date"):
        xuetong.compute_credits(
            pa.table(OUTCOMES), rule_set="community", recorded_on=AS_OF  # type: ignore[arg-type]
        )
    with pytest.raises(TypeError) as caught:
        xuetong.compute_credits(
            pa.table(OUTCOMES), rule_set="community", recorded_on="2026-03-31"  # type: ignore[arg-type]
        )
    assert str(caught.value) == "recorded_on must be a date, got str"


def test_recorded_on_may_be_a_naive_midnight() -> None:
    # pandas gives a date as a naive Timestamp at midnight, which raised
    # TypeError here although a date column reads it as its date.
    for midnight in (dt.datetime(2026, 3, 31), pd.Timestamp("2026-03-31")):
        result = xuetong.compute_credits(
            pa.table(OUTCOMES), rule_set="community", recorded_on=midnight
        )
        entries = result.entries.to_pyarrow()
        assert entries.column("recorded_on").to_pylist() == [dt.date(2026, 3, 31)]
        # Bo's service on 2 April is after 31 March, so the date was read.
        reasons = sorted(result.skipped.to_pyarrow().column("reason").to_pylist())
        assert reasons == ["after_recording_date", "rounded_to_zero"]
    with pytest.raises(TypeError) as caught:
        xuetong.compute_credits(
            pa.table(OUTCOMES), rule_set="community", recorded_on=dt.datetime(2026, 3, 31, 9)
        )
    assert "2026-03-31T09:00:00" in str(caught.value)
    assert "naive datetime at midnight" in str(caught.value)
    # NaT raised pandas' ValueError "NaTType does not support time".
    with pytest.raises(TypeError) as caught:
        xuetong.compute_credits(pa.table(OUTCOMES), rule_set="community", recorded_on=pd.NaT)
    assert str(caught.value) == "recorded_on must be a date, got NaT (no date); pass a datetime.date"


def test_rule_set_of_the_wrong_type() -> None:
    with pytest.raises(TypeError) as caught:
        xuetong.compute_credits(
            pa.table(OUTCOMES), rule_set=5, recorded_on=dt.date(2026, 3, 31)  # type: ignore[arg-type]
        )
    assert str(caught.value) == (
        "rule_set must be the name of a built-in rule set or a rule set document "
        "(a mapping), got int"
    )


def test_credits_from_a_bundle() -> None:
    bundle = xuetong.read_bundle(EXAMPLE_BUNDLE)
    result = xuetong.compute_credits(
        bundle.table("outcomes"), bundle=bundle, rule_set="community", recorded_on=dt.date(2026, 4, 1)
    )
    assert result.outcome_report.is_clean
    assert result.entries.num_rows + result.skipped.num_rows >= 1


