// Runs every shared JSON test vector under tests/vectors through the
// installed package's `call` and `callJson`, with the comparison rules of
// tests/vectors/README.md (the Rust and Python suites run the same files).

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";

import { OPERATION_NAMES, call, callJson, listOperations } from "xuetong";

const repository = process.env.XUETONG_REPO;
if (!repository) {
  throw new Error("XUETONG_REPO is not set; point it at the repository root");
}
const vectorsDirectory = join(repository, "tests", "vectors");

function jsonFiles(directory) {
  const found = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      found.push(...jsonFiles(path));
    } else if (entry.name.endsWith(".json")) {
      found.push(path);
    }
  }
  return found.sort();
}

/** Checks that `actual` contains everything in `expected` (see the README). */
function assertContains(actual, expected, path) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not a list: ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path} has the wrong number of items`);
    expected.forEach((item, index) => assertContains(actual[index], item, `${path}[${index}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path} is not an object`);
    for (const [key, value] of Object.entries(expected)) {
      assert.ok(key in actual, `${path}.${key} is missing`);
      assertContains(actual[key], value, `${path}.${key}`);
    }
  } else {
    assert.deepEqual(actual, expected, `${path} differs`);
  }
}

/** Lists the (code, path) pairs of problems, sorted. */
function codePaths(problems) {
  return problems.map((problem) => `${problem.code} ${JSON.stringify(problem.path)}`).sort();
}

function checkResult(result, expect) {
  assert.equal(result.ok, expect.ok, `ok differs: ${JSON.stringify(result)}`);
  if (result.ok) {
    if ("value" in expect) {
      assert.deepEqual(result.value, expect.value);
    }
    if ("value_subset" in expect) {
      assertContains(result.value, expect.value_subset, "value");
    }
    return;
  }
  for (const issue of result.issues) {
    assert.equal(typeof issue.message, "string");
    assert.ok(issue.message.length > 0, `${issue.code} has an empty message`);
    assert.equal(typeof issue.params, "object");
  }
  if ("problems" in expect) {
    assert.deepEqual(codePaths(result.issues), codePaths(expect.problems));
  }
}

const files = jsonFiles(vectorsDirectory);

// The package leaves the library's server operations (clubs, the learning
// index, credits, scheduling, enrolment) out of its module. Their vectors are
// skipped and named as skipped in the report. Vectors of an operation the
// library does not have at all still run, because they expect
// unknown_operation.
const inPackage = new Set(listOperations().map((operation) => operation.name));
const skipReason = (operation) =>
  OPERATION_NAMES.includes(operation) && !inPackage.has(operation)
    ? `${operation} is a server operation, not in the npm package`
    : false;

test("vector files are found", () => {
  assert.ok(files.length > 0, `no vector files under ${vectorsDirectory}`);
});

for (const file of files) {
  const document = JSON.parse(readFileSync(file, "utf8"));
  describe(relative(repository, file), () => {
    assert.equal(document.format, "xuetong.vectors/1");
    for (const vector of document.cases) {
      test(vector.name, { skip: skipReason(vector.operation) }, () => {
        checkResult(call(vector.operation, vector.request), vector.expect);

        const response = JSON.parse(callJson(vector.operation, JSON.stringify(vector.request)));
        assert.equal(response.format, "xuetong.response/1");
        const issues = response.ok ? undefined : response.problems;
        checkResult({ ok: response.ok, value: response.value, issues }, vector.expect);
      });
    }
  });
}
