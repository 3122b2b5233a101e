"""The attendance engine on 1,000,000 scans: ``xuetong.evaluate_attendance``
on Arrow tables against the Rust engine called directly on the same data.

Run from the repository root after ``maturin develop --release``:

    .venv/bin/python py-bindings/bench/attendance.py

The script writes a synthetic season as Arrow IPC files into a temporary
folder, times the Python call (tables in, result tables out), then runs the
Rust program ``py-bindings/examples/attendance_bench.rs`` in release mode
on the same files, which times ``xuetong::attendance::evaluate_attendance``
on records already in memory and the Rust part of the table path. Each
figure is the median of several runs.

The season has courses of 20 weekly 90-minute sessions with 40 enrolled
learners each. Per learner and session, 90 % check in, spread from 30
minutes before to 20 minutes after the start; half of those check out and
5 % check in again.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

import xuetong

COURSES = 900
SESSIONS_PER_COURSE = 20
LEARNERS_PER_COURSE = 40
RUNS = 5
VENUE = "10000000-0000-4000-8000-000000000001"
AS_OF = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
REPO = Path(__file__).resolve().parents[2]


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-0000-4000-8000-{index:012d}" for index in range(count)]


def season() -> dict[str, pa.Table]:
    random = np.random.default_rng(2026)
    courses = ids("40000000", COURSES)
    learners = ids("20000000", COURSES * LEARNERS_PER_COURSE)
    sessions = ids("50000000", COURSES * SESSIONS_PER_COURSE)
    first_day = dt.date(2026, 3, 2)
    session_course = [courses[index // SESSIONS_PER_COURSE] for index in range(len(sessions))]
    session_day = [
        first_day + dt.timedelta(days=7 * (index % SESSIONS_PER_COURSE))
        for index in range(len(sessions))
    ]
    tables = {
        "venues": pa.table(
            {"id": [VENUE], "name": ["School"], "tier": ["street"], "time_zone": ["Asia/Shanghai"]}
        ),
        "courses": pa.table(
            {
                "id": courses,
                "title": [f"Course {index}" for index in range(COURSES)],
                "category": ["tai_chi"] * COURSES,
                "provider_venue_id": [VENUE] * COURSES,
            }
        ),
        "sessions": pa.table(
            {
                "id": sessions,
                "course_id": session_course,
                "venue_id": [VENUE] * len(sessions),
                "date": session_day,
                "start_time": pa.array([9 * 3600] * len(sessions), pa.time32("s")),
                "end_time": pa.array([10 * 3600 + 1800] * len(sessions), pa.time32("s")),
            }
        ),
    }
    enrolled_at = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
    count = COURSES * LEARNERS_PER_COURSE
    tables["enrolments"] = pa.table(
        {
            "id": ids("60000000", count),
            "learner_id": learners,
            "course_id": [courses[index // LEARNERS_PER_COURSE] for index in range(count)],
            "requested_at": pa.array([enrolled_at] * count, pa.timestamp("us", "UTC")),
            "status": ["confirmed"] * count,
            "confirmed_at": pa.array([enrolled_at] * count, pa.timestamp("us", "UTC")),
        }
    )

    # One row per learner and session, then the scans drawn from them.
    session_index = np.repeat(np.arange(len(sessions)), LEARNERS_PER_COURSE)
    learner_index = (session_index // SESSIONS_PER_COURSE) * LEARNERS_PER_COURSE + np.tile(
        np.arange(LEARNERS_PER_COURSE), len(sessions)
    )
    start = np.array(
        [
            int(dt.datetime.combine(day, dt.time(1, 0), dt.timezone.utc).timestamp()) * 1_000_000
            for day in session_day
        ]
    )[session_index]
    checked_in = random.random(len(session_index)) < 0.9
    check_in = start + random.integers(-30 * 60, 20 * 60, len(session_index)) * 1_000_000
    checked_out = checked_in & (random.random(len(session_index)) < 0.5)
    check_out = start + random.integers(80 * 60, 100 * 60, len(session_index)) * 1_000_000
    again = checked_in & (random.random(len(session_index)) < 0.05)
    rows = [
        (session_index[checked_in], learner_index[checked_in], check_in[checked_in], "check_in"),
        (session_index[checked_out], learner_index[checked_out], check_out[checked_out], "check_out"),
        (session_index[again], learner_index[again], check_in[again] + 120_000_000, "check_in"),
    ]
    session_ids = np.array(sessions, dtype=object)
    learner_ids = np.array(learners, dtype=object)
    total = sum(len(part[0]) for part in rows)
    tables["scans"] = pa.table(
        {
            "id": ids("70000000", total),
            "session_id": np.concatenate([session_ids[part[0]] for part in rows]),
            "learner_id": np.concatenate([learner_ids[part[1]] for part in rows]),
            "scanned_at": pa.array(np.concatenate([part[2] for part in rows]), pa.timestamp("us", "UTC")),
            "direction": np.concatenate([[part[3]] * len(part[0]) for part in rows]),
            "method": ["manual"] * total,
        }
    )
    return tables


def median_seconds(work: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    tables = season()
    scans = tables["scans"]
    print(f"{scans.num_rows:,} scans, {tables['sessions'].num_rows:,} sessions")
    references = {name: tables[name] for name in ("sessions", "courses", "venues", "enrolments")}

    def evaluate() -> xuetong.AttendanceResult:
        return xuetong.evaluate_attendance(scans, as_of=AS_OF, **references)

    result = evaluate()
    print(result)
    python = median_seconds(evaluate)
    print(f"python evaluate_attendance on tables: {python * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        for name, table in tables.items():
            with pa.OSFile(str(Path(folder) / f"{name}.arrow"), "wb") as sink:
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    writer.write_table(table)
        command = [
            "cargo", "run", "--quiet", "--release", "-p", "xuetong-py",
            "--example", "attendance_bench", "--", folder, AS_OF.isoformat(), str(RUNS),
        ]
        output = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
    print(output.stdout, end="")
    engine = float(output.stdout.split("engine:")[1].split("ms")[0]) / 1000
    print(f"ratio python / engine: {python / engine:.2f}")


if __name__ == "__main__":
    sys.exit(main())
