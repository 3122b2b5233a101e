// A course sign-up form that validates as the resident types, with the same
// rules the servers run: the learner registration and the enrolment are
// checked by the xuetong package in WebAssembly, and its messages are shown
// in Chinese or English.

import { init, localizeIssue, validateEnrolment, validateLearner } from "xuetong";

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
  },
};

const FIELDS = ["display_name", "birth_date", "course_id"];

const form = document.getElementById("signup");
const status = document.getElementById("status");
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
};

function value(name) {
  return form.elements[name].value;
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
}

function onEdit(event) {
  state.touched.add(event.target.name);
  render(validate());
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
