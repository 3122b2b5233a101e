"""The Dask recipe of docs/python.md: partition, validate each partition on
a local multi-process cluster, and get what one process gets."""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
from dask.distributed import Client, LocalCluster

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
