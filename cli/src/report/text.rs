//! The words of the report in English and Simplified Chinese.

use xuetong::model::OutcomeKind;
use xuetong::problem::Locale;

/// The fixed texts of the report in one language.
#[derive(Debug)]
pub struct Words {
    /// The `lang` attribute of the page.
    pub lang: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub as_of: &'static str,
    pub time_zone: &'static str,
    pub rule_set: &'static str,
    pub recorded_on: &'static str,
    pub learners: &'static str,
    pub sessions_held: &'static str,
    pub check_ins: &'static str,
    pub overall_rate: &'static str,
    pub completions: &'static str,
    pub credits_appended: &'static str,
    pub learners_credited: &'static str,
    pub clubs_evaluated: &'static str,
    pub weeks_heading: &'static str,
    pub weeks_note: &'static str,
    pub rates_heading: &'static str,
    pub rates_note: &'static str,
    pub rates_without: &'static str,
    pub credits_heading: &'static str,
    pub credits_note: &'static str,
    pub no_credits: &'static str,
    pub no_check_ins: &'static str,
    pub no_rates: &'static str,
    pub index_heading: &'static str,
    pub index_note: &'static str,
    pub index_missing: &'static str,
    pub index_unranked: &'static str,
    pub index_some_unranked: &'static str,
    pub list_separator: &'static str,
    pub scans_heading: &'static str,
    pub scans_note: &'static str,
    pub scans_accepted: &'static str,
    pub scans_rejected: &'static str,
    pub scans_duplicate: &'static str,
    pub reason: &'static str,
    pub count: &'static str,
    pub clubs_heading: &'static str,
    pub clubs_note: &'static str,
    pub club: &'static str,
    pub year: &'static str,
    pub score: &'static str,
    pub rating: &'static str,
    pub not_evaluated: &'static str,
    pub no_clubs: &'static str,
    pub bundle_heading: &'static str,
    pub rows_read: &'static str,
    pub rows_rejected: &'static str,
    pub rows_note: &'static str,
    pub files_note: &'static str,
    pub no_category: &'static str,
    pub deposit_batch: &'static str,
}

const EN: Words = Words {
    lang: "en",
    title: "Season report",
    intro: "What the season's records show: attendance, learning credits, learning clubs and the district learning index. Every figure comes from the files written beside this page.",
    as_of: "Evaluated as of",
    time_zone: "Time zone",
    rule_set: "Credit rules",
    recorded_on: "Credits recorded on",
    learners: "Registered learners",
    sessions_held: "Sessions held",
    check_ins: "Check-ins accepted",
    overall_rate: "Overall attendance rate",
    completions: "Courses completed",
    credits_appended: "Credits recorded this run",
    learners_credited: "Learners credited",
    clubs_evaluated: "Club evaluations",
    weeks_heading: "Check-ins by week",
    weeks_note: "Accepted check-ins per week (weeks start on Monday, local time). Rejected and repeated scans are not counted.",
    rates_heading: "Attendance rates",
    rates_note: "Learners per band of attendance rate (attended sessions over the sessions that count for them, per course). Completion usually needs 80 %.",
    rates_without: "course places with no counted session yet",
    credits_heading: "Credits by kind and category",
    credits_note: "The credit balance of the ledger under the season's rule set, by kind of learning outcome and course category.",
    no_credits: "No credits are recorded under this rule set.",
    no_check_ins: "No check-in was accepted.",
    no_rates: "No learner has a counted session yet.",
    index_heading: "Learning index ranking",
    index_note: "Districts ranked by the composite learning index (higher is better).",
    index_missing: "The bundle has no district-tier venue, so no district learning index was computed. Statistics by scope are in statistics.csv.",
    index_unranked: "No district has a score, because each has data for too few of the indicators. learning_index.csv lists what each one is missing.",
    index_some_unranked: "Not ranked, because each has data for too few of the indicators (learning_index.csv lists what is missing): ",
    list_separator: ", ",
    scans_heading: "Scans",
    scans_note: "Every scan is accepted, rejected with a reason, or a duplicate that changed nothing. rejected_scans.csv lists each rejected scan.",
    scans_accepted: "Accepted",
    scans_rejected: "Rejected",
    scans_duplicate: "Duplicates",
    reason: "Reason",
    count: "Count",
    clubs_heading: "Learning clubs",
    clubs_note: "The yearly evaluation of each club with the default scorecard (activity, check-ins, retention, outreach, awards, record keeping), from 0 to 100.",
    club: "Club",
    year: "Year",
    score: "Score",
    rating: "Rating",
    not_evaluated: "not evaluated: see club_evaluations.csv",
    no_clubs: "The bundle has no clubs.",
    bundle_heading: "The bundle",
    rows_read: "Rows read",
    rows_rejected: "Rows rejected",
    rows_note: "Rejected rows are listed with their file, line and reason in rejected_rows.csv; the season ran on the other rows.",
    files_note: "Files written",
    no_category: "no category",
    deposit_batch: "Credit-bank deposit batch",
};

const ZH: Words = Words {
    lang: "zh-CN",
    title: "学期报告",
    intro: "本学期记录的概况：考勤、学分、学习型社团与区学习指数。所有数字均来自与本页同目录的输出文件。",
    as_of: "评估时间",
    time_zone: "时区",
    rule_set: "学分规则",
    recorded_on: "学分记入日期",
    learners: "注册学员",
    sessions_held: "已举办课次",
    check_ins: "有效签到",
    overall_rate: "总体出勤率",
    completions: "完成课程",
    credits_appended: "本次记入学分",
    learners_credited: "获得学分的学员",
    clubs_evaluated: "社团考评",
    weeks_heading: "每周签到",
    weeks_note: "每周有效签到次数（每周从周一开始，按当地时间）。被拒绝和重复的扫码不计入。",
    rates_heading: "出勤率分布",
    rates_note: "按出勤率区间统计的学员人次（每门课程：出勤课次 / 计入课次）。完成课程通常需要 80%。",
    rates_without: "个课程名额尚无计入课次",
    credits_heading: "按类型和类别的学分",
    credits_note: "本学期学分规则下账本中的学分余额，按学习成果类型和课程类别统计。",
    no_credits: "该规则集下尚无学分记录。",
    no_check_ins: "没有有效签到。",
    no_rates: "尚无学员有计入课次。",
    index_heading: "学习指数排名",
    index_note: "各区按综合学习指数排名（越高越好）。",
    index_missing: "数据包中没有区级场所，因此未计算区学习指数。按范围的统计见 statistics.csv。",
    index_unranked: "没有区获得得分，因为每个区有数据的指标都太少。learning_index.csv 列出了各区缺少的指标。",
    index_some_unranked: "以下各区未排名，因为有数据的指标太少（learning_index.csv 列出了缺少的指标）：",
    list_separator: "、",
    scans_heading: "扫码",
    scans_note: "每次扫码要么被接受，要么因某种原因被拒绝，要么是没有改变任何结果的重复扫码。rejected_scans.csv 列出了每一次被拒绝的扫码。",
    scans_accepted: "接受",
    scans_rejected: "拒绝",
    scans_duplicate: "重复",
    reason: "原因",
    count: "次数",
    clubs_heading: "学习型社团",
    clubs_note: "按默认考评表对每个社团进行的年度考评（活动、签到、成员保持、外展服务、获奖、活动记录），满分 100。",
    club: "社团",
    year: "年度",
    score: "得分",
    rating: "等级",
    not_evaluated: "未能考评：见 club_evaluations.csv",
    no_clubs: "数据包中没有社团。",
    bundle_heading: "数据包",
    rows_read: "读取行数",
    rows_rejected: "拒绝行数",
    rows_note: "被拒绝的行及其文件、行号和原因列在 rejected_rows.csv 中；本学期按其余各行运行。",
    files_note: "写出的文件",
    no_category: "无类别",
    deposit_batch: "学分银行存入批次",
};

/// Returns the words of `locale`.
pub fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::ZhCn => &ZH,
    }
}

/// Returns the name of an outcome kind, or of adjustments for `None`.
pub fn kind_name(kind: Option<OutcomeKind>, locale: Locale) -> &'static str {
    let zh = locale == Locale::ZhCn;
    match kind {
        Some(OutcomeKind::Attendance) => pick(zh, "Course attendance", "课程出勤"),
        Some(OutcomeKind::CourseCompletion) => pick(zh, "Course completion", "课程结业"),
        Some(OutcomeKind::Certificate) => pick(zh, "Certificate", "证书"),
        Some(OutcomeKind::Award) => pick(zh, "Award", "获奖"),
        Some(OutcomeKind::VolunteerService) => pick(zh, "Volunteer service", "志愿服务"),
        Some(OutcomeKind::Teaching) => pick(zh, "Teaching", "授课"),
        Some(OutcomeKind::OnlineLearning) => pick(zh, "Online learning", "在线学习"),
        Some(OutcomeKind::ClubActivity) => pick(zh, "Club activity", "社团活动"),
        Some(OutcomeKind::Assessment) => pick(zh, "Assessment", "考核"),
        None => pick(zh, "Adjustment", "调整"),
    }
}

/// Returns the name of a club rating of the default scorecard, and any other
/// rating as written.
pub fn rating_name(rating: &str, locale: Locale) -> String {
    let zh = locale == Locale::ZhCn;
    let name = match rating {
        "five_stars" => pick(zh, "five stars", "五星"),
        "four_stars" => pick(zh, "four stars", "四星"),
        "three_stars" => pick(zh, "three stars", "三星"),
        "qualified" => pick(zh, "qualified", "合格"),
        "not_qualified" => pick(zh, "not qualified", "不合格"),
        other => return other.to_owned(),
    };
    name.to_owned()
}

/// Describes a rejection code of the attendance engine in a few words, and
/// returns any other code as written.
pub fn rejection_name(code: &str, locale: Locale) -> String {
    let zh = locale == Locale::ZhCn;
    let name = match code {
        "conflicting_scan_id" => pick(
            zh,
            "scan id reused for another scan",
            "扫码 id 被另一条扫码占用",
        ),
        "scan_in_future" => pick(zh, "received after the evaluation time", "晚于评估时间收到"),
        "unknown_session" => pick(zh, "unknown session", "未知课次"),
        "unknown_learner" => pick(zh, "learner not registered", "学员未注册"),
        "session_cancelled" => pick(zh, "session cancelled", "课次已取消"),
        "missing_token" => pick(zh, "no check-in code", "缺少签到码"),
        "invalid_token" => pick(zh, "invalid check-in code", "签到码无效"),
        "static_token_not_allowed" => pick(zh, "printed code not accepted", "不接受固定签到码"),
        "token_not_yet_valid" => pick(zh, "code not yet valid", "签到码尚未生效"),
        "expired_token" => pick(zh, "expired check-in code", "签到码已过期"),
        "missing_location" => pick(zh, "no location", "缺少位置"),
        "outside_geofence" => pick(zh, "too far from the venue", "距场所过远"),
        "too_early" => pick(zh, "too early", "过早"),
        "too_late" => pick(zh, "too late", "过晚"),
        "check_in_not_enrolled" => pick(zh, "no place in the course", "未取得课程名额"),
        "no_check_in" => pick(zh, "check-out without check-in", "未签到即签退"),
        other => return other.to_owned(),
    };
    format!("{name} ({code})")
}

fn pick(zh: bool, en: &'static str, chinese: &'static str) -> &'static str {
    if zh { chinese } else { en }
}
