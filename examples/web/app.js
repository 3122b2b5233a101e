// A course sign-up form that validates as the resident types, with the same
// rules the servers run: the learner registration and the enrolment are
// checked by the xuetong package in WebAssembly, and its messages are shown
// in Chinese or English. Once a course is chosen, the page previews the
// check-in status and credited minutes of an arrival time at its first
// session, and the credits completing it would earn. The credits preview
// needs the package's full module, which is fetched only then.

import {
  init,
  localizeIssue,
  previewCredits,
  previewScan,
  validateEnrolment,
  validateLearner,
} from "xuetong";

const TEXTS = {
  "zh-CN": {
    heading: "课程报名",
    intro: "填写姓名和出生日期，选择课程。输入时即时检查。",
    display_name: "姓名",
    birth_date: "出生日期（或出生年份）",
    course_id: "课程",
    choose: "请选择课程",
    tai_chi: "太极拳入门",
    smartphone_skills: "智能手机应用",
    calligraphy: "书法",
    submit: "报名",
    ready: "报名信息有效，可以提交。",
    first_session: "第一次课",
    arrival: "到达时间（预览签到结果）",
    on_time: "准时签到，计 {minutes} 分钟",
    late: "迟到签到，计 {minutes} 分钟",
    credits: "完成本课程可得 {total} 学分（社区学分规则）",
    credits_loading: "正在计算学分…",
    credits_unavailable: "暂时无法计算学分",
  },
  en: {
    heading: "Course sign-up",
    intro: "Enter your name and birth date, and choose a course. Checked as you type.",
    display_name: "Name",
    birth_date: "Birth date (or birth year)",
    course_id: "Course",
    choose: "Choose a course",
    tai_chi: "Tai chi for beginners",
    smartphone_skills: "Smartphone skills",
    calligraphy: "Calligraphy",
    submit: "Sign up",
    ready: "The sign-up is valid and ready to send.",
    first_session: "First session",
    arrival: "Arrival time (check-in preview)",
    on_time: "On time: {minutes} minutes credited",
    late: "Late: {minutes} minutes credited",
    credits: "Completing this course earns {total} credits (community rules)",
    credits_loading: "Working out the credits…",
    credits_unavailable: "The credits cannot be worked out now",
  },
};

// The courses of the select, as the server would publish them, with the
// first session of each, in local time at the venue.
const VENUE_ID = "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c";
const TIME_ZONE = "Asia/Shanghai";
const COURSES = new Map([
  [
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    {
      category: "tai_chi",
      credit_value: "1.50",
      session_id: "5e3c1a2b-7d4f-4b8e-9c6a-0f1e2d3c4b5a",
      date: "2026-03-02",
      start: "09:00",
      end: "10:30",
    },
  ],
  [
    "3b241101-e2bb-4255-8caf-4136c566a962",
    {
      category: "smartphone_skills",
      credit_value: "1.00",
      session_id: "6f4d2b3c-8e5a-4c9f-8d7b-1a2f3e4d5c6b",
      date: "2026-03-03",
      start: "14:00",
      end: "15:30",
    },
  ],
  [
    "1c6a2b7e-8f0d-4c3e-9a51-2d7f4e6b8c90",
    {
      category: "calligraphy",
      credit_value: "2.00",
      session_id: "7a5e3c4d-9f6b-4da0-8e8c-2b3a4f5e6d7c",
      date: "2026-03-04",
      start: "09:30",
      end: "11:30",
    },
  ],
]);

const FIELDS = ["display_name", "birth_date", "course_id"];

const form = document.getElementById("signup");
const status = document.getElementById("status");
const coursePreview = document.getElementById("course-preview");
const arrivalPreview = document.getElementById("arrival-preview");
const creditsPreview = document.getElementById("credits-preview");
const state = {
  locale: "zh-CN",
  // Fields the resident has edited; the others show no issue until submit.
  touched: new Set(),
  // The issues currently shown, by field, for re-localizing on a switch.
  shown: new Map(),
  // Ids the client makes once per sign-up, as a server would expect.
  learnerId: crypto.randomUUID(),
  enrolmentId: crypto.randomUUID(),
  requestedAt: new Date().toISOString(),
  // Counts credits previews, so that the late result of an earlier course
  // or language never replaces a newer one.
  creditsRequests: 0,
};

function value(name) {
  return form.elements[name].value;
}

/** Fills `{name}` placeholders of a page text. */
function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

function chosenCourse() {
  const id = value("course_id");
  const course = COURSES.get(id);
  return course === undefined ? undefined : { id, ...course };
}

/** Shows the status and credited minutes a check-in at the arrival time would get. */
function renderArrival(course) {
  const arrival = value("arrival");
  if (course === undefined || arrival === "") {
    arrivalPreview.textContent = "";
    delete arrivalPreview.dataset.accepted;
    return;
  }
  const session = {
    id: course.session_id,
    course_id: course.id,
    venue_id: VENUE_ID,
    date: course.date,
    start_time: course.start,
    end_time: course.end,
    time_zone: TIME_ZONE,
  };
  // The venue is in China, eight hours ahead of UTC all year.
  const scannedAt = `${course.date}T${arrival}:00+08:00`;
  const result = previewScan({ session, scanned_at: scannedAt }, { locale: state.locale });
  if (!result.ok) {
    arrivalPreview.textContent = result.issues[0].message;
    arrivalPreview.dataset.accepted = "false";
    return;
  }
  const preview = result.value;
  const texts = TEXTS[state.locale];
  arrivalPreview.dataset.accepted = String(preview.accepted);
  if (!preview.accepted) {
    arrivalPreview.textContent = preview.message;
  } else {
    const text = preview.punctuality === "late" ? texts.late : texts.on_time;
    arrivalPreview.textContent = format(text, { minutes: preview.credited_minutes });
  }
}

/** Shows the credits completing the course would earn under the community rules. */
async function renderCredits(course) {
  const request = ++state.creditsRequests;
  const texts = TEXTS[state.locale];
  if (course === undefined) {
    creditsPreview.textContent = "";
    return;
  }
  creditsPreview.textContent = texts.credits_loading;
  const record = {
    id: course.id,
    title: TEXTS.en[course.category],
    category: course.category,
    provider_venue_id: VENUE_ID,
    credit_value: course.credit_value,
  };
  const completion = {
    id: crypto.randomUUID(),
    learner_id: state.learnerId,
    kind: "course_completion",
    occurred_on: course.date,
    course_id: course.id,
  };
  let text;
  try {
    const result = await previewCredits(
      { rule_set: "community", learner_id: state.learnerId, courses: [record], outcomes: [completion] },
      { locale: state.locale },
    );
    text = result.ok ? format(texts.credits, { total: result.value.total }) : result.issues[0].message;
  } catch (error) {
    // The full module could not be fetched; the sign-up itself still works.
    console.warn("credits preview failed", error);
    text = texts.credits_unavailable;
  }
  if (request === state.creditsRequests) {
    creditsPreview.textContent = text;
  }
}

function renderCoursePreview() {
  const course = chosenCourse();
  coursePreview.hidden = course === undefined;
  document.getElementById("session-time").textContent =
    course === undefined ? "" : `${course.date} ${course.start}–${course.end}`;
  renderArrival(course);
  return renderCredits(course);
}

/** Validates the form and returns its first issue per field name. */
function validate() {
  const settings = { locale: state.locale };
  const learner = validateLearner(
    { id: state.learnerId, display_name: value("display_name"), birth_date: value("birth_date") },
    settings,
  );
  const enrolment = validateEnrolment(
    {
      id: state.enrolmentId,
      learner_id: state.learnerId,
      course_id: value("course_id"),
      requested_at: state.requestedAt,
    },
    settings,
  );
  const issues = new Map();
  for (const result of [learner, enrolment]) {
    if (result.ok) {
      continue;
    }
    for (const issue of result.issues) {
      const field = String(issue.path[0] ?? "");
      if (!issues.has(field)) {
        issues.set(field, issue);
      }
    }
  }
  return issues;
}

function show(field, issue) {
  const input = form.elements[field];
  const line = document.getElementById(`${field}-issue`);
  if (issue === undefined) {
    state.shown.delete(field);
    line.hidden = true;
    line.textContent = "";
    input.removeAttribute("aria-invalid");
    return;
  }
  state.shown.set(field, issue);
  line.textContent = issue.message;
  line.hidden = false;
  input.setAttribute("aria-invalid", "true");
}

function render(issues) {
  for (const field of FIELDS) {
    show(field, state.touched.has(field) ? issues.get(field) : undefined);
  }
  const ready = issues.size === 0;
  status.textContent = ready ? TEXTS[state.locale].ready : "";
}

function translate() {
  const texts = TEXTS[state.locale];
  document.documentElement.lang = state.locale;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = texts[element.dataset.text];
  }
  for (const button of document.querySelectorAll("[data-locale]")) {
    button.setAttribute("aria-pressed", String(button.dataset.locale === state.locale));
  }
  // Shown messages are re-rendered from their codes and params, without
  // validating again.
  for (const [field, issue] of state.shown) {
    show(field, localizeIssue(issue, state.locale));
  }
  if (status.textContent !== "") {
    status.textContent = texts.ready;
  }
  renderCoursePreview();
}

function onEdit(event) {
  const field = event.target.name;
  if (field === "arrival") {
    renderArrival(chosenCourse());
    return;
  }
  state.touched.add(field);
  render(validate());
  if (field === "course_id" && event.type === "change") {
    renderCoursePreview();
  }
}

function onSubmit(event) {
  event.preventDefault();
  for (const field of FIELDS) {
    state.touched.add(field);
  }
  render(validate());
}

function onLanguage(event) {
  state.locale = event.currentTarget.dataset.locale;
  translate();
}

await init();
translate();
form.addEventListener("input", onEdit);
form.addEventListener("change", onEdit);
form.addEventListener("submit", onSubmit);
for (const button of document.querySelectorAll("[data-locale]")) {
  button.addEventListener("click", onLanguage);
}
document.body.dataset.ready = "true";
