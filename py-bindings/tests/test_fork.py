"""Engine calls in processes forked after the parent used the engines, as
``multiprocessing`` and ``concurrent.futures.ProcessPoolExecutor`` make by
default on Linux before Python 3.14. A forked child has none of its
parent's threads, so the package must run the child's calls on a thread
pool of the child's own.

Each script runs in a fresh interpreter, so that no earlier test has
started a pool. Every forked process sets an alarm: a call that waits for
threads that do not exist then ends the process instead of blocking the
suite."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import EXAMPLE_BUNDLE

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

# Reads the bundle and runs both engines on it: the calls that the forked
# processes repeat.
ENGINE_RESULTS = """
import datetime
import xuetong

AS_OF = datetime.datetime(2026, 4, 1, tzinfo=datetime.timezone.utc)

def engine_results(path):
    bundle = xuetong.read_bundle(path)
    attendance = xuetong.evaluate_attendance(bundle.table("scans"), bundle=bundle, as_of=AS_OF)
    credits = xuetong.compute_credits(
        bundle.table("outcomes"), bundle=bundle, rule_set="community", recorded_on=AS_OF.date()
    )
    return {"read_bundle": bundle, "evaluate_attendance": attendance, "compute_credits": credits}
"""

# The parent runs the engines, then forks a child, which runs them again,
# compares its results with the parent's, then forks a grandchild that does
# the same. Each forked process prints one line per call. The parent prints
# the child's exit code, which is -14 (SIGALRM) when a call was still
# waiting after 30 seconds, then runs the engines once more itself.
FORK_AFTER_ENGINE_CALL = (
    ENGINE_RESULTS
    + """
import os, signal, sys

expected = engine_results(sys.argv[1])

def check(process):
    signal.alarm(30)
    results = engine_results(sys.argv[1])
    for call, result in results.items():
        verdict = "same" if result == expected[call] else "different"
        print(f"{process} {call}: {verdict}", flush=True)
    signal.alarm(0)

def fork_and_wait(run):
    pid = os.fork()
    if pid == 0:
        run()
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)

def child():
    check("child")
    code = fork_and_wait(lambda: check("grandchild"))
    print(f"grandchild exit code {code}", flush=True)

print(f"child exit code {fork_and_wait(child)}", flush=True)
again = engine_results(sys.argv[1])
print("parent again:", "same" if again == expected else "different", flush=True)
"""
)

# The parent runs the engines, then hands four runs of them to a
# ProcessPoolExecutor of two workers forked from it. A worker that is still
# waiting after 60 seconds ends, and the executor raises BrokenProcessPool.
PROCESS_POOL_AFTER_ENGINE_CALL = (
    ENGINE_RESULTS
    + """
import concurrent.futures, multiprocessing, signal, sys

expected = engine_results(sys.argv[1])
context = multiprocessing.get_context("fork")
with concurrent.futures.ProcessPoolExecutor(
    max_workers=2, mp_context=context, initializer=signal.alarm, initargs=(60,)
) as executor:
    runs = list(executor.map(engine_results, [sys.argv[1]] * 4))
for results in runs:
    for call, result in results.items():
        verdict = "same" if result == expected[call] else "different"
        print(f"worker {call}: {verdict}", flush=True)
"""
)


def run_script(script: str) -> list[str]:
    """Run `script` on the example bundle in a fresh interpreter and return
    the lines it printed."""
    command = [sys.executable, "-c", script, str(EXAMPLE_BUNDLE)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_forked_child_runs_engines() -> None:
    lines = run_script(FORK_AFTER_ENGINE_CALL)
    assert "child exit code 0" in lines
    assert "grandchild exit code 0" in lines
    for process in ("child", "grandchild"):
        for call in ("read_bundle", "evaluate_attendance", "compute_credits"):
            assert f"{process} {call}: same" in lines
    assert "parent again: same" in lines
    assert not [line for line in lines if line.endswith("different")]


def test_fork_process_pool_runs_engines() -> None:
    lines = run_script(PROCESS_POOL_AFTER_ENGINE_CALL)
    assert len(lines) == 12
    for call in ("read_bundle", "evaluate_attendance", "compute_credits"):
        assert lines.count(f"worker {call}: same") == 4
