"""The season run on a bundle, as tables. Expected values are worked out by
hand from ``tests/fixtures/stats-bundle`` (the reasoning is beside each),
with the default attendance policy and the built-in ``community`` rules."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

import xuetong
from conftest import REPO_ROOT

STATS_BUNDLE = REPO_ROOT / "tests" / "fixtures" / "stats-bundle"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# After every session of the fixture (the last is on 28 March) and after
# the last confirmation (30 March, 09:00).
AFTER_SEASON = dt.datetime(2026, 3, 31, tzinfo=SHANGHAI)
# The evaluation time of the index example of tests/season.rs.
INDEX_AS_OF = dt.datetime(2026, 3, 25, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def bundle() -> xuetong.Bundle:
    return xuetong.read_bundle(STATS_BUNDLE)


@pytest.fixture(scope="module")
def season(bundle: xuetong.Bundle) -> xuetong.SeasonResult:
    return xuetong.run_season(bundle, as_of=AFTER_SEASON)


def test_one_record_per_learner_and_session(season: xuetong.SeasonResult) -> None:
    # Tai chi places: learners 1 and 3 from 1 February (3 withdraws on
    # 8 March), 2 from 5 March; learner 7 is confirmed only on 30 March.
    # 23 Feb: 1, 3. 2 Mar: 1, 3. 9 Mar: 1, 2. 16 Mar: cancelled, no
    # records. 28 Mar: 1, 2. Smartphone skills (walk-ins accepted): 5 Mar:
    # 4 (placed) and 7 (walk-in); 12 Mar: 4 (absent) and 5 (walk-in). The
    # choir practice of 20 Mar: learners 1, 2 and 4 scanned. Qigong on
    # 10 Mar: learner 6. That is 2 + 2 + 2 + 2 + 2 + 2 + 3 + 1 = 16.
    records = season.attendance_records.to_pyarrow()
    assert records.num_rows == 16
    pairs = set(zip(records.column("session_id").to_pylist(), records.column("learner_id").to_pylist()))
    assert len(pairs) == 16
    cancelled = "50000000-0000-4000-8000-000000000013"
    assert cancelled not in records.column("session_id").to_pylist()
    assert season.summary["attendance_records"] == 16


def test_every_scan_is_accounted_for(season: xuetong.SeasonResult, bundle: xuetong.Bundle) -> None:
    # scans.csv has 16 rows. Scan 4 is learner 2's check-in on 2 March,
    # before their place (requested on 5 March) in a course without
    # walk-ins: rejected. Scan 16 repeats learner 1's check-in of 2 March
    # a minute after scan 2: a duplicate that keeps scan 2.
    assert len(bundle.scans) == 16
    assert season.summary["scans"] == 16
    rejected = season.rejected_scans.to_pyarrow()
    assert rejected.column("scan_id").to_pylist() == ["70000000-0000-4000-8000-000000000004"]
    duplicates = season.duplicate_scans.to_pyarrow()
    assert duplicates.column("scan_id").to_pylist() == ["70000000-0000-4000-8000-000000000016"]
    assert duplicates.column("kept_scan_id").to_pylist() == ["70000000-0000-4000-8000-000000000002"]
    assert season.summary["scans_accepted"] == 16 - 1 - 1


def test_index_ranks_east_before_west(bundle: xuetong.Bundle) -> None:
    # From 10 February to 25 March East leads on participation, hours,
    # activities and check-ins per enrolment (4 x 100), West on older
    # participation and coverage, and both tie on clubs and outcomes per
    # learner (50 each): East (400 + 100) / 8 = 62.5, West (200 + 100) / 8
    # = 37.5.
    season = xuetong.run_season(bundle, as_of=INDEX_AS_OF)
    index = season.learning_index.to_pyarrow()
    assert index.column("unit").to_pylist() == ["East District College", "West District College"]
    assert index.column("rank").to_pylist() == [1, 2]
    assert index.column("score").to_pylist() == ["62.500", "37.500"]
    assert index.column("available").to_pylist() == [8, 8]


def test_statistics_of_a_district(bundle: xuetong.Bundle) -> None:
    # East over 10 February to 25 March: 7 residents registered, 11
    # check-ins, 775 credited minutes, which are 12.91 hours rounded down.
    season = xuetong.run_season(bundle, as_of=INDEX_AS_OF)
    rows = season.statistics.to_pyarrow().to_pylist()
    assert [row["scope"] for row in rows][:1] == ["platform"]
    east = next(row for row in rows if row["scope_name"] == "East District College")
    assert east["scope"] == "district"
    assert east["first_day"] == dt.date(2026, 2, 10)
    assert east["last_day"] == dt.date(2026, 3, 25)
    assert east["registered_learners"] == 7
    assert east["check_ins"] == 11
    assert east["credited_minutes"] == 775
    assert east["credited_hours"] == Decimal("12.91")
    assert east["population"] == 10000


def test_tables_have_the_exported_schemas(season: xuetong.SeasonResult) -> None:
    expected = {
        "attendance_records": xuetong.schemas.ATTENDANCE_RECORDS,
        "rejected_scans": xuetong.schemas.REJECTED_SCANS,
        "duplicate_scans": xuetong.schemas.DUPLICATE_SCANS,
        "course_results": xuetong.schemas.COURSE_RESULTS,
        "outcomes": xuetong.schemas.OUTCOMES,
        "credits_skipped": xuetong.schemas.SKIPPED_OUTCOMES,
        "credit_ledger": xuetong.schemas.LEDGER_ENTRIES,
        "statistics": xuetong.schemas.STATISTICS,
        "club_evaluations": xuetong.schemas.CLUB_EVALUATIONS,
        "learning_index": xuetong.schemas.LEARNING_INDEX,
    }
    tables = season.tables()
    assert set(tables) == set(expected)
    for name, table in tables.items():
        arrow = pa.table(table)
        assert arrow.schema.names == expected[name].names, name
        assert arrow.schema.equals(pa.schema(expected[name]), check_metadata=False), name


def test_tables_convert_to_pandas_and_polars(season: xuetong.SeasonResult) -> None:
    ledger = season.ledger.to_pandas()
    assert len(ledger) == season.summary["entries_appended"]
    assert all(isinstance(amount, Decimal) for amount in ledger["amount"])
    clubs = season.club_evaluations.to_polars()
    # Four clubs in clubs.csv, each evaluated for 2026 only.
    assert clubs.height == 4
    assert clubs["year"].to_list() == [2026] * 4


def test_naive_as_of_is_refused(bundle: xuetong.Bundle) -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=dt.datetime(2026, 3, 31))
    assert caught.value.errors()[0]["code"] == "invalid_instant"
    assert caught.value.errors()[0]["path"] == ("as_of",)


def test_unknown_rules_are_refused(bundle: xuetong.Bundle) -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=AFTER_SEASON, rules="village@2")
    errors = caught.value.errors()
    assert [(error["code"], error["path"]) for error in errors] == [("unknown_rule_set", ("rules",))]


def test_unreadable_bundle_rules_raise(tmp_path: Path) -> None:
    for source in STATS_BUNDLE.iterdir():
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "rules.json").write_text("{", encoding="utf-8")
    bundle = xuetong.read_bundle(tmp_path)
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=AFTER_SEASON)
    errors = caught.value.errors()
    assert [(error["code"], error["path"]) for error in errors] == [
        ("malformed_json", ("rules.json",))
    ]
    season = xuetong.run_season(bundle, as_of=AFTER_SEASON, rules="community")
    assert season.summary["attendance_records"] == 16


def test_messages_follow_the_locale(bundle: xuetong.Bundle) -> None:
    english = xuetong.run_season(bundle, as_of=AFTER_SEASON)
    chinese = xuetong.run_season(bundle, as_of=AFTER_SEASON, locale="zh-CN")
    [message_en] = english.rejected_scans.to_pyarrow().column("message").to_pylist()
    [message_zh] = chinese.rejected_scans.to_pyarrow().column("message").to_pylist()
    assert message_en != message_zh
    assert any("\u4e00" <= char <= "\u9fff" for char in message_zh)


def test_result_repr_counts_rows(season: xuetong.SeasonResult) -> None:
    assert repr(season).startswith("SeasonResult(attendance_records=16, rejected_scans=1,")


def test_rule_set_document_is_checked(bundle: xuetong.Bundle) -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=AFTER_SEASON, rules={"id": "village"})
    paths = [error["path"] for error in caught.value.errors()]
    assert ("rules", "version") in paths


def test_bad_home_page_and_key_are_refused(bundle: xuetong.Bundle) -> None:
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=AFTER_SEASON, home_page="ftp://learn.example.org")
    assert [error["path"] for error in caught.value.errors()] == [("home_page",)]
    with pytest.raises(xuetong.ValidationError) as caught:
        xuetong.run_season(bundle, as_of=AFTER_SEASON, token_key="not hexadecimal")
    assert [error["code"] for error in caught.value.errors()] == ["invalid_token_key"]
