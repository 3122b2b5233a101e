// Tests the course sign-up example (examples/web) in headless Chromium with
// the package as installed from its tarball. The test serves the page and
// the installed package on loopback and types bad and good input in Chinese
// and English. It checks the messages that appear and disappear, the
// check-in and credits previews, that the package's full module is fetched
// only once the credits preview needs it, and saves a screenshot.
//
// Environment: XUETONG_PACKAGE_DIR is the installed package (a
// node_modules/xuetong folder); CHROMIUM (default /usr/bin/chromium);
// XUETONG_SCREENSHOT (default out/course-signup.png in the repository).

import assert from "node:assert/strict";
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const repository = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const packageDirectory = process.env.XUETONG_PACKAGE_DIR;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshot = process.env.XUETONG_SCREENSHOT ?? join(repository, "out", "course-signup.png");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** URL prefixes and the folders they are served from. */
function routes() {
  assert.ok(packageDirectory, "XUETONG_PACKAGE_DIR must name the installed package folder");
  return [
    ["/examples/web/", join(repository, "examples", "web")],
    ["/wasm-bindings/pkg/", join(packageDirectory, "pkg")],
  ];
}

function serve(request, response, table) {
  const path = decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname);
  for (const [prefix, folder] of table) {
    if (!path.startsWith(prefix)) {
      continue;
    }
    const file = normalize(join(folder, path.slice(prefix.length) || "index.html"));
    if (!file.startsWith(folder) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      break;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(response);
    return;
  }
  response.writeHead(404, { "content-type": "text/plain" });
  response.end(`not found: ${path}`);
}

let server;
let context;
let profile;
let page;
const pageErrors = [];
// The path of every request the page made, in order.
const requested = [];
const FULL_MODULE = "/wasm-bindings/pkg/wasm-full-web/xuetong_full_bg.wasm";

before(async () => {
  const table = routes();
  server = createServer((request, response) => serve(request, response, table));
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${server.address().port}`;

  profile = mkdtempSync(join(tmpdir(), "xuetong-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    locale: "zh-CN",
    viewport: { width: 720, height: 760 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  // Only the loopback server may be reached.
  await context.route("**/*", (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort(),
  );
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  page.on("console", (message) => {
    if (message.type() === "error") {
      pageErrors.push(message.text());
    }
  });
  await page.goto(`${origin}/examples/web/index.html`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) {
    rmSync(profile, { recursive: true, force: true });
  }
});

const issue = (field) => page.locator(`#${field}-issue`);

async function expectIssue(field, text) {
  await page.waitForFunction(
    ([id, expected]) => {
      const line = document.getElementById(id);
      return !line.hidden && line.textContent === expected;
    },
    [`${field}-issue`, text],
    { timeout: 5_000 },
  );
  assert.equal(await page.getAttribute(`#${field}`, "aria-invalid"), "true");
}

async function expectNoIssue(field) {
  await page.waitForFunction((id) => document.getElementById(id).hidden, `${field}-issue`, {
    timeout: 5_000,
  });
  assert.equal(await issue(field).textContent(), "");
  assert.equal(await page.getAttribute(`#${field}`, "aria-invalid"), null);
}

test("page starts in Chinese without messages", async () => {
  assert.equal(await page.textContent("h1"), "课程报名");
  for (const field of ["display_name", "birth_date", "course_id"]) {
    assert.equal(await issue(field).isHidden(), true, field);
  }
  assert.equal(await page.locator("#course-preview").isHidden(), true);
});

test("full-module call throws before loading", async () => {
  const thrown = await page.evaluate(async () => {
    const { call } = await import("xuetong");
    try {
      call("expand_schedule", { input: {} });
      return null;
    } catch (error) {
      return { name: error.name, operation: error.operation, isError: error instanceof Error };
    }
  });
  assert.deepEqual(thrown, {
    name: "XuetongNotInitializedError",
    operation: "expand_schedule",
    isError: true,
  });
});

test("page loads only the main module", () => {
  assert.ok(requested.includes("/wasm-bindings/pkg/wasm-web/xuetong_wasm_bg.wasm"), requested);
  assert.ok(!requested.includes(FULL_MODULE), "the full module was fetched before it was needed");
});

test("name message appears and disappears in Chinese", async () => {
  await page.fill("#display_name", "王");
  await page.fill("#display_name", "");
  await expectIssue("display_name", "缺少必填字段 display_name");
  await page.type("#display_name", "王秀英");
  await expectNoIssue("display_name");
});

test("birth date message follows each keystroke", async () => {
  await page.type("#birth_date", "1957-02-29");
  await expectIssue(
    "birth_date",
    "birth_date 应为日历上存在的日期，但“1957-02-29”这一天不存在；请检查月份和日期",
  );
  await page.press("#birth_date", "Backspace");
  await page.type("#birth_date", "8");
  await expectNoIssue("birth_date");
  await page.fill("#birth_date", "1957");
  await expectNoIssue("birth_date");
});

test("switching to English translates shown messages", async () => {
  await page.fill("#birth_date", "1957-13-01");
  await expectIssue(
    "birth_date",
    "birth_date 应为日历上存在的日期，但“1957-13-01”这一天不存在；请检查月份和日期",
  );
  await page.click("button[data-locale=en]");
  assert.equal(await page.textContent("h1"), "Course sign-up");
  await expectIssue(
    "birth_date",
    'birth_date must be a calendar date, but "1957-13-01" names a day that does not exist; check the month and day',
  );
  await page.fill("#birth_date", "1957-03-01");
  await expectNoIssue("birth_date");
});

test("submit shows the missing course, choosing one clears it", async () => {
  await page.click("button[type=submit]");
  await expectIssue("course_id", "course_id is required");
  assert.equal(await page.textContent("#status"), "");
  await page.selectOption("#course_id", { index: 2 });
  await expectNoIssue("course_id");
  assert.equal(await page.textContent("#status"), "The sign-up is valid and ready to send.");
});

test("English messages while typing a name", async () => {
  await page.fill("#display_name", "");
  await expectIssue("display_name", "display_name is required");
  assert.equal(await page.textContent("#status"), "");
  await page.type("#display_name", "Li Mei");
  await expectNoIssue("display_name");
});

async function expectText(selector, text) {
  await page.waitForFunction(
    ([target, expected]) => document.querySelector(target).textContent === expected,
    [selector, text],
    { timeout: 10_000 },
  );
}

// The course chosen above is smartphone skills: first session on
// 2026-03-03 from 14:00 to 15:30 in Shanghai, credit value 1.00.
test("chosen course previews its credits", async () => {
  assert.equal(await page.locator("#course-preview").isHidden(), false);
  assert.equal(await page.textContent("#session-time"), "2026-03-03 14:00–15:30");
  await expectText("#credits-preview", "Completing this course earns 1.00 credits (community rules)");
  assert.equal(requested.filter((path) => path === FULL_MODULE).length, 1);
});

test("call runs server operations once loaded", async () => {
  const names = await page.evaluate(async () => {
    const { call } = await import("xuetong");
    const result = call("list_rule_sets", { input: null });
    return result.ok ? result.value.map((ruleSet) => ruleSet.id) : result.issues;
  });
  assert.ok(Array.isArray(names), JSON.stringify(names));
  assert.ok(names.includes("community"), JSON.stringify(names));
});

test("arrival time previews the check-in", async () => {
  await page.fill("#arrival", "13:55");
  await expectText("#arrival-preview", "On time: 90 minutes credited");
  await page.fill("#arrival", "14:20");
  await expectText("#arrival-preview", "Late: 70 minutes credited");
  assert.equal(await page.getAttribute("#arrival-preview", "data-accepted"), "true");
  // Check-in opens 30 minutes before the start, at 05:30 UTC.
  await page.fill("#arrival", "13:00");
  await expectText(
    "#arrival-preview",
    "the scan at 2026-03-03T05:00:00Z is before the window opens at 2026-03-03T05:30:00Z",
  );
  assert.equal(await page.getAttribute("#arrival-preview", "data-accepted"), "false");
  await page.fill("#arrival", "14:20");
});

test("previews follow the language", async () => {
  await page.click("button[data-locale=zh-CN]");
  await expectText("#arrival-preview", "迟到签到，计 70 分钟");
  await expectText("#credits-preview", "完成本课程可得 1.00 学分（社区学分规则）");
  await page.selectOption("#course_id", { index: 3 });
  await expectText("#credits-preview", "完成本课程可得 2.00 学分（社区学分规则）");
  assert.equal(await page.textContent("#session-time"), "2026-03-04 09:30–11:30");
  // 14:20 is after the calligraphy session, which ends at 11:30.
  await expectText(
    "#arrival-preview",
    "扫码时间 2026-03-04T06:20:00Z 晚于截止时间 2026-03-04T03:30:00Z",
  );
  assert.equal(requested.filter((path) => path === FULL_MODULE).length, 1);
});

test("screenshot with a message shown", async () => {
  await page.click("button[data-locale=zh-CN]");
  await page.fill("#birth_date", "1957-02-30");
  await expectIssue("birth_date", "birth_date 应为日历上存在的日期，但“1957-02-30”这一天不存在；请检查月份和日期");
  await page.fill("#arrival", "09:25");
  await expectText("#arrival-preview", "准时签到，计 120 分钟");
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok(statSync(screenshot).size > 10_000, `${screenshot} looks empty`);
});

test("page raised no errors", () => {
  assert.deepEqual(pageErrors, []);
});
