"""The Dask recipe of docs/python.md: partition, validate each partition on
a local multi-process cluster, and get what one process gets."""

from __future__ import annotations

import datetime as dt
from random import Random

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
from dask.distributed import Client, LocalCluster

import xuetong
from xuetong import dataframe

SESSIONS = [f"50000000-0000-4000-8000-{index:012d}" for index in range(1, 21)]


def scans_frame(rows: int = 400) -> pd.DataFrame:
    """Scans over 20 sessions, every 17th with an invalid learner id and
    every 23rd with a time without an offset."""
    learner_ids = [
        "nobody" if row % 17 == 0 else f"20000000-0000-4000-8000-{row % 50:012d}"
        for row in range(rows)
    ]
    scanned_at = [
        "2026-03-02 09:00" if row % 23 == 0 else f"2026-03-02T09:{row % 60:02d}:00+08:00"
        for row in range(rows)
    ]
    return pd.DataFrame(
        {
            "source_system": ["gate"] * rows,
            "source_key": [str(row) for row in range(rows)],
            "session_id": [SESSIONS[row % len(SESSIONS)] for row in range(rows)],
            "learner_id": learner_ids,
            "scanned_at": scanned_at,
        }
    )


def ordered(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


def test_dask_matches_one_process() -> None:
    frame = scans_frame()
    single_accepted = dataframe.accepted_rows(frame, "scans")
    single_rejected = dataframe.rejected_rows(frame, "scans")
    assert len(single_accepted) + single_rejected["frame_index"].nunique() == len(frame)

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        # Attendance is computed per session, so the scans of one session
        # must land in one partition.
        scans = dd.from_pandas(frame, npartitions=4).shuffle("session_id")
        accepted = scans.map_partitions(
            dataframe.accepted_rows, "scans", meta=dataframe.meta("scans")
        ).compute()
        rejected = scans.map_partitions(
            dataframe.rejected_rows, "scans", meta=dataframe.rejected_meta()
        ).compute()

    pd.testing.assert_frame_equal(ordered(accepted, ["id"]), ordered(single_accepted, ["id"]))
    # `index` and the `row` parameter are positions within a partition;
    # `frame_index` is the row's label in the input frame.
    compared = ["frame_index", "code", "field", "message"]
    pd.testing.assert_frame_equal(
        ordered(rejected[compared], ["frame_index", "code"]),
        ordered(single_rejected[compared], ["frame_index", "code"]),
    )


# Attendance and credits on a local cluster. Four courses of three sessions,
# 40 learners each enrolled in two courses, and scans around each session,
# some late, some repeated, some from learners without a place.
VENUE = "10000000-0000-4000-8000-000000000001"
COURSE_IDS = [f"40000000-0000-4000-8000-{index:012d}" for index in range(1, 5)]
LEARNER_IDS = [f"20000000-0000-4000-8000-{index:012d}" for index in range(1, 41)]
AS_OF = dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
PARTITIONS = 3


def season() -> dict[str, pd.DataFrame]:
    sessions = pd.DataFrame(
        {
            "id": [f"50000000-0000-4000-8000-{index:012d}" for index in range(1, 13)],
            "course_id": [COURSE_IDS[index // 3] for index in range(12)],
            "venue_id": [VENUE] * 12,
            "date": [f"2026-03-{2 + 7 * (index % 3):02d}" for index in range(12)],
            "start_time": ["09:00"] * 12,
            "end_time": ["10:30"] * 12,
        }
    )
    courses = pd.DataFrame(
        {
            "id": COURSE_IDS,
            "title": [f"Course {index}" for index in range(1, 5)],
            "category": ["tai_chi"] * 4,
            "provider_venue_id": [VENUE] * 4,
            "walk_in": [False] * 4,
        }
    )
    venues = pd.DataFrame(
        {"id": [VENUE], "name": ["School"], "tier": ["street"], "time_zone": ["Asia/Shanghai"]}
    )
    places = [
        (learner, COURSE_IDS[(number + offset) % 4])
        for number, learner in enumerate(LEARNER_IDS)
        for offset in (0, 1)
    ]
    enrolments = pd.DataFrame(
        {
            "id": [f"60000000-0000-4000-8000-{index:012d}" for index in range(len(places))],
            "learner_id": [learner for learner, _ in places],
            "course_id": [course for _, course in places],
            "requested_at": ["2026-02-01T10:00:00+08:00"] * len(places),
            "status": ["confirmed"] * len(places),
            "confirmed_at": ["2026-02-01T10:00:00+08:00"] * len(places),
        }
    )
    random = Random(7)
    rows = []
    for session in sessions.itertuples():
        for learner in random.sample(LEARNER_IDS, 25):
            minute = random.choice([-20, -5, 0, 5, 15, 40, 100])
            at = dt.datetime.fromisoformat(f"{session.date}T09:00:00+08:00")
            rows.append((session.id, learner, at + dt.timedelta(minutes=minute)))
            if random.random() < 0.2:
                rows.append((session.id, learner, at + dt.timedelta(minutes=minute + 3)))
    scans = pd.DataFrame(
        {
            "id": [f"70000000-0000-4000-8000-{index:012d}" for index in range(len(rows))],
            "session_id": [row[0] for row in rows],
            "learner_id": [row[1] for row in rows],
            "scanned_at": [row[2].isoformat() for row in rows],
        }
    )
    outcomes = pd.DataFrame(
        {
            "source_system": ["club"] * 120,
            "source_key": [str(index) for index in range(120)],
            "learner_id": [LEARNER_IDS[index % 40] for index in range(120)],
            "kind": ["volunteer_service"] * 120,
            "occurred_on": [dt.date(2026, 3, 1 + index % 28) for index in range(120)],
            "minutes": [30 + 45 * (index % 7) for index in range(120)],
        }
    )
    return {
        "sessions": sessions,
        "courses": courses,
        "venues": venues,
        "enrolments": enrolments,
        "scans": scans,
        "outcomes": outcomes,
    }


def same_rows(frame: pd.DataFrame, table: xuetong.Table, keys: list[str]) -> None:
    """Assert that a frame computed in parts has the rows of one table."""
    schema = table.schema.to_pyarrow()
    parts = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    order = [(key, "ascending") for key in keys]
    assert parts.num_rows == table.num_rows
    assert parts.sort_by(order).equals(table.to_pyarrow().sort_by(order))


def test_dask_attendance_and_credits_match_one_process() -> None:
    data = season()
    reference = {name: data[name] for name in ("courses", "venues")}
    single = xuetong.evaluate_attendance(
        data["scans"],
        sessions=data["sessions"],
        enrolments=data["enrolments"],
        as_of=AS_OF,
        **reference,
    )
    single_credits = xuetong.compute_credits(
        data["outcomes"], rule_set="community", recorded_on=dt.date(2026, 3, 31)
    )
    # The data must exercise every kind of result.
    assert single.summary["rejected"] > 0
    assert single.summary["duplicates"] > 0
    assert set(single.summary["records_by_status"]) >= {"present", "late", "absent"}
    assert single_credits.entries.num_rows > 0
    assert single_credits.skipped.num_rows > 0

    # Each scan goes to the partition of its session's course, and the
    # index orders the partitions so that partition n holds number n.
    placed = dataframe.attendance_partitions(data["sessions"], PARTITIONS)
    scans = data["scans"].assign(partition=data["scans"]["session_id"].map(placed))
    options = dict(
        sessions=data["sessions"],
        enrolments=data["enrolments"],
        partitions=PARTITIONS,
        as_of=AS_OF,
        **reference,
    )
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        parts = dd.from_pandas(scans, npartitions=2).set_index(
            "partition", divisions=list(range(PARTITIONS + 1))
        )
        assert parts.npartitions == PARTITIONS
        results = {
            output: parts.map_partitions(
                dataframe.attendance, output, **options, meta=dataframe.meta(table)
            ).compute()
            for output, table in [
                ("records", "attendance_records"),
                ("rejected", "rejected_scans"),
                ("duplicates", "duplicate_scans"),
                ("course_results", "course_results"),
            ]
        }
        outcomes = dd.from_pandas(data["outcomes"], npartitions=3).shuffle("learner_id")
        entries = outcomes.map_partitions(
            dataframe.credits,
            "entries",
            rule_set="community",
            recorded_on=dt.date(2026, 3, 31),
            meta=dataframe.meta("ledger_entries"),
        ).compute()
        skipped = outcomes.map_partitions(
            dataframe.credits,
            "skipped",
            rule_set="community",
            recorded_on=dt.date(2026, 3, 31),
            meta=dataframe.meta("skipped_outcomes"),
        ).compute()

    same_rows(results["records"], single.records, ["session_id", "learner_id"])
    same_rows(results["rejected"], single.rejected, ["scan_id"])
    same_rows(results["duplicates"], single.duplicates, ["scan_id"])
    same_rows(results["course_results"], single.course_results, ["course_id", "learner_id"])
    same_rows(entries, single_credits.entries, ["id"])
    skipped["outcome_ids"] = skipped["outcome_ids"].map(list)
    same_rows(skipped, single_credits.skipped, ["learner_id", "reason", "rule_id"])
