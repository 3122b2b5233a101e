// Tests the course sign-up example (examples/web) in headless Chromium with
// the package as installed from its tarball. The test serves the page and
// the installed package on loopback and types bad and good input in Chinese
// and English. It checks the messages that appear and disappear, and saves a
// screenshot.
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
    "birth_date 应为 YYYY-MM-DD 格式的日期，实际为“1957-02-29”",
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
    "birth_date 应为 YYYY-MM-DD 格式的日期，实际为“1957-13-01”",
  );
  await page.click("button[data-locale=en]");
  assert.equal(await page.textContent("h1"), "Course sign-up");
  await expectIssue(
    "birth_date",
    'birth_date must be a calendar date written YYYY-MM-DD, got "1957-13-01"',
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

test("screenshot with a message shown", async () => {
  await page.click("button[data-locale=zh-CN]");
  await page.fill("#birth_date", "1957-02-30");
  await expectIssue("birth_date", "birth_date 应为 YYYY-MM-DD 格式的日期，实际为“1957-02-30”");
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok(statSync(screenshot).size > 10_000, `${screenshot} looks empty`);
});

test("page raised no errors", () => {
  assert.deepEqual(pageErrors, []);
});
