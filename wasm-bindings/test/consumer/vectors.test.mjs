// Runs every shared JSON test vector under tests/vectors through the
// installed package's `call`, `callAsync` and `callJson`, with the
// comparison rules of tests/vectors/README.md (the Rust and Python suites
// run the same files). Operations the main module lacks run in the full
// module, which Node loads on first use, so no vector is skipped.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";

import { call, callAsync, callJson } from "xuetong";

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
    for (const expected of expect.problems) {
      if ("params" in expected) {
        assertParams(result.issues, expected);
      }
    }
  }
}

/** Checks that a problem at the expected code and path has the listed params. */
function assertParams(issues, expected) {
  const place = `${expected.code} ${JSON.stringify(expected.path)}`;
  const found = issues.filter(
    (issue) => `${issue.code} ${JSON.stringify(issue.path)}` === place,
  );
  const matches = found.some((issue) => {
    try {
      assertContains(issue.params, expected.params, "params");
      return true;
    } catch {
      return false;
    }
  });
  assert.ok(
    matches,
    `no ${place} problem has params ${JSON.stringify(expected.params)}; ` +
      `found ${JSON.stringify(found.map((issue) => issue.params))}`,
  );
}

const files = jsonFiles(vectorsDirectory);

test("vector files are found", () => {
  assert.ok(files.length > 0, `no vector files under ${vectorsDirectory}`);
});

for (const file of files) {
  const document = JSON.parse(readFileSync(file, "utf8"));
  describe(relative(repository, file), () => {
    assert.equal(document.format, "xuetong.vectors/1");
    for (const vector of document.cases) {
      test(vector.name, async () => {
        // call and callAsync take a request value, so a case given as text
        // runs through callJson only.
        if (vector.request_text === undefined) {
          checkResult(call(vector.operation, vector.request), vector.expect);
          checkResult(await callAsync(vector.operation, vector.request), vector.expect);
        }

        const text = vector.request_text ?? JSON.stringify(vector.request);
        const response = JSON.parse(callJson(vector.operation, text));
        assert.equal(response.format, "xuetong.response/1");
        const issues = response.ok ? undefined : response.problems;
        checkResult({ ok: response.ok, value: response.value, issues }, vector.expect);
      });
    }
  });
}
