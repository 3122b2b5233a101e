// Times validating a course-publishing form through the installed package,
// as a browser form does on every keystroke: one validateCourse call on the
// form's text fields, including the JSON round trip into WebAssembly. Also
// times previewScan, which a page may call on every keystroke too (no bar).
//
// Prints the median, 90th percentile and mean of single calls. With
// --check it exits with status 1 when the validateCourse median exceeds the
// bar of 20 µs. scripts/test runs it without --check, because timings on
// shared CI machines vary.

import { performance } from "node:perf_hooks";

import { previewScan, validateCourse } from "xuetong";

const BAR_MICROSECONDS = 20;
const WARM_UP_CALLS = 5_000;
const TIMED_CALLS = 20_000;

// Every field of the course form of examples/web, as text the way an HTML
// form holds it.
const form = {
  id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  code: "QT-2026-TC-01",
  title: "Tai chi for beginners 太极拳入门",
  category: "tai_chi",
  provider_venue_id: "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
  network_level: "street",
  capacity: "30",
  enrolment_opens_at: "2026-02-01T09:00:00+08:00",
  enrolment_closes_at: "2026-02-28T18:00:00+08:00",
  walk_in: "false",
  min_age: "55",
  max_age: "90",
  audience: "older_residents",
  residents_only: "true",
  credit_value: "1.50",
  completion_threshold: "80",
  assessment_required: "false",
};

// A late check-in at a 90-minute session, as the example page previews it.
const scan = {
  session: {
    id: "6f4d2b3c-8e5a-4c9f-8d7b-1a2f3e4d5c6b",
    course_id: form.id,
    venue_id: form.provider_venue_id,
    date: "2026-03-03",
    start_time: "14:00",
    end_time: "15:30",
    time_zone: "Asia/Shanghai",
  },
  scanned_at: "2026-03-03T14:20:00+08:00",
};

/** Times `count` single calls of `run`, which returns a result that must be ok. */
function timeCalls(count, run) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    const result = run();
    samples[index] = (performance.now() - start) * 1000;
    if (!result.ok) {
      throw new Error(`the benchmark input is invalid: ${JSON.stringify(result.issues)}`);
    }
  }
  return samples.sort();
}

/** Times `run` after a warm-up, prints the figures and returns the median. */
function measure(label, run) {
  timeCalls(WARM_UP_CALLS, run);
  const samples = timeCalls(TIMED_CALLS, run);
  const median = samples[Math.floor(samples.length / 2)];
  const p90 = samples[Math.floor(samples.length * 0.9)];
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  console.log(
    `${label} (${TIMED_CALLS} calls, Node ${process.version}): ` +
      `median ${median.toFixed(2)} µs, p90 ${p90.toFixed(2)} µs, mean ${mean.toFixed(2)} µs`,
  );
  return median;
}

const median = measure("validateCourse (course form)", () =>
  validateCourse(form, { locale: "zh-CN" }),
);
console.log(`bar for validateCourse: median at most ${BAR_MICROSECONDS} µs`);
measure("previewScan (late check-in)", () => previewScan(scan, { locale: "zh-CN" }));

if (median > BAR_MICROSECONDS) {
  console.log(`the validateCourse median is above the bar of ${BAR_MICROSECONDS} µs`);
  if (process.argv.includes("--check")) {
    process.exitCode = 1;
  }
}
