// Times validating a course-publishing form through the installed package,
// as a browser form does on every keystroke: one validateCourse call on the
// form's text fields, including the JSON round trip into WebAssembly.
//
// Prints the median, 90th percentile and mean of single calls. With
// --check it exits with status 1 when the median exceeds the bar of 20 µs;
// scripts/test runs it without, because timings on shared CI machines vary.

import { performance } from "node:perf_hooks";

import { validateCourse } from "xuetong";

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

function timeCalls(count) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    const result = validateCourse(form, { locale: "zh-CN" });
    samples[index] = (performance.now() - start) * 1000;
    if (!result.ok) {
      throw new Error(`the benchmark form is invalid: ${JSON.stringify(result.issues)}`);
    }
  }
  return samples.sort();
}

timeCalls(WARM_UP_CALLS);
const samples = timeCalls(TIMED_CALLS);
const median = samples[Math.floor(samples.length / 2)];
const p90 = samples[Math.floor(samples.length * 0.9)];
const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;

console.log(
  `validateCourse (course form, ${TIMED_CALLS} calls, Node ${process.version}): ` +
    `median ${median.toFixed(2)} µs, p90 ${p90.toFixed(2)} µs, mean ${mean.toFixed(2)} µs ` +
    `(bar: median at most ${BAR_MICROSECONDS} µs)`,
);
if (median > BAR_MICROSECONDS) {
  console.log(`the median is above the bar of ${BAR_MICROSECONDS} µs`);
  if (process.argv.includes("--check")) {
    process.exitCode = 1;
  }
}
