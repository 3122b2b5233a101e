//! `report.html`: one self-contained page (inline styles and SVG charts, no
//! scripts and no external resources) that shows a district officer what a
//! season's records contain, in English or Simplified Chinese.

mod figures;
mod svg;
mod text;

use std::collections::HashMap;
use std::fmt::Write;

use xuetong::bundle::ReadReport;
use xuetong::credit::deposit_batch_summary;
use xuetong::id::ClubId;
use xuetong::model::Taxonomy;
use xuetong::problem::Locale;
use xuetong::season::Season;

use crate::output::grouped;
pub use figures::Figures;
use svg::Bar;
use text::{Words, kind_name, rating_name, rejection_name, words};

/// The name of the report file.
pub const REPORT_FILE: &str = "report.html";

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;color:#1d2a36;margin:0;background:#f5f7fa}\
main{max-width:780px;margin:0 auto;padding:24px 20px 48px;background:#fff}\
h1{font-size:1.7em;margin:0 0 4px}h2{font-size:1.25em;margin:32px 0 6px;border-bottom:1px solid #d5dde5;padding-bottom:4px}\
p.note{color:#4a5a69;margin:4px 0 10px}p.meta{color:#4a5a69;margin:2px 0}\
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:18px 0}\
.card{flex:1 1 160px;border:1px solid #d5dde5;border-radius:6px;padding:10px 12px}\
.card b{display:block;font-size:1.45em}.card span{color:#4a5a69;font-size:.9em}\
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border-bottom:1px solid #e4e9ee;padding:5px 8px;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
svg text{font-size:12px;fill:#1d2a36}svg text.axis{fill:#4a5a69;font-size:11px}svg text.value{font-size:11px}\
code{font-size:.92em}";

/// Escapes text for HTML and SVG content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Renders the report of `season`, read from a bundle with `read`, that
/// wrote the files `written` (names with row counts), in `locale`, with the
/// `figures` that [`Figures::of`] computed from the same season.
///
/// The page depends only on its arguments, so the same season gives the
/// same page.
pub fn render(
    season: &Season<'_>,
    read: &ReadReport,
    written: &[(String, u64)],
    batch: Option<&BatchSummary>,
    figures: &Figures,
    locale: Locale,
) -> String {
    let words = words(locale);
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        words.lang,
        escape(words.title)
    );
    header(&mut page, season, batch, words);
    cards(&mut page, season, figures, words);
    weeks(&mut page, figures, words);
    rates(&mut page, figures, words);
    credits(&mut page, season, figures, words, locale);
    ranking(&mut page, season, words);
    scans(&mut page, season, words, locale);
    clubs(&mut page, season, words, locale);
    bundle(&mut page, read, written, words);
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn header(page: &mut String, season: &Season<'_>, batch: Option<&BatchSummary>, words: &Words) {
    let pin = season.rule_set.pin();
    let _ = write!(
        page,
        "<h1>{}</h1>\n<p class=\"note\">{}</p>\n<p class=\"meta\">{}: {} ({}: {})</p>\n<p class=\"meta\">{}: {} ({}@{}) · {}: {}</p>\n",
        escape(words.title),
        escape(words.intro),
        words.as_of,
        escape(
            &season
                .as_of
                .with_timezone(&season.time_zone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        ),
        words.time_zone,
        escape(season.time_zone.name()),
        words.rule_set,
        escape(&season.rule_set.title),
        escape(&pin.id),
        pin.version,
        words.recorded_on,
        season.recorded_on
    );
    if let Some(batch) = batch {
        let _ = writeln!(
            page,
            "<p class=\"meta\">{}: <code>{}</code> ({})</p>",
            words.deposit_batch,
            batch.batch_id,
            grouped(batch.deposits as u64)
        );
    }
}

fn card(page: &mut String, value: &str, label: &str) {
    let _ = write!(
        page,
        "<div class=\"card\"><b>{}</b><span>{}</span></div>",
        escape(value),
        escape(label)
    );
}

fn cards(page: &mut String, season: &Season<'_>, figures: &Figures, words: &Words) {
    let summary = &season.summary;
    let (attended, counted) = figures.overall_rate;
    let rate = (attended * 1000).checked_div(counted).map_or_else(
        || "–".to_owned(),
        |tenths| format!("{}.{} %", tenths / 10, tenths % 10),
    );
    let check_ins = figures.check_ins;

    page.push_str("<div class=\"cards\">");
    card(page, &grouped(summary.learners), words.learners);
    card(page, &grouped(summary.sessions_held), words.sessions_held);
    card(page, &grouped(check_ins), words.check_ins);
    card(page, &rate, words.overall_rate);
    card(page, &grouped(summary.completions), words.completions);
    card(
        page,
        &summary.credits_appended.to_string(),
        words.credits_appended,
    );
    card(
        page,
        &grouped(summary.learners_credited),
        words.learners_credited,
    );
    card(
        page,
        &grouped(summary.club_evaluations),
        words.clubs_evaluated,
    );
    page.push_str("</div>\n");
}

fn section(page: &mut String, heading: &str, note: &str) {
    let _ = write!(
        page,
        "<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        escape(heading),
        escape(note)
    );
}

fn empty(page: &mut String, text: &str) {
    let _ = writeln!(page, "<p><em>{}</em></p>", escape(text));
}

fn weeks(page: &mut String, figures: &Figures, words: &Words) {
    section(page, words.weeks_heading, words.weeks_note);
    let weeks = &figures.weeks;
    if weeks.is_empty() {
        empty(page, words.no_check_ins);
        return;
    }
    let bars: Vec<Bar> = weeks
        .iter()
        .map(|(monday, count)| Bar {
            label: monday.format("%m-%d").to_string(),
            value: *count as f64,
            shown: grouped(*count),
        })
        .collect();
    page.push_str(&svg::columns(words.weeks_heading, &bars));
    page.push('\n');
}

fn rates(page: &mut String, figures: &Figures, words: &Words) {
    section(page, words.rates_heading, words.rates_note);
    let (bands, without) = figures.rates;
    if bands.iter().all(|count| *count == 0) {
        empty(page, words.no_rates);
    } else {
        let bars: Vec<Bar> = bands
            .iter()
            .enumerate()
            .map(|(band, count)| Bar {
                label: if band == 10 {
                    "100".to_owned()
                } else {
                    format!("{}–{}", band * 10, band * 10 + 9)
                },
                value: *count as f64,
                shown: grouped(*count),
            })
            .collect();
        page.push_str(&svg::columns(words.rates_heading, &bars));
        page.push('\n');
    }
    if without > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{} {}</p>",
            grouped(without),
            escape(words.rates_without)
        );
    }
}

fn category_name(taxonomy: &Taxonomy, key: &xuetong::model::Category, locale: Locale) -> String {
    match taxonomy.get(key) {
        Some(definition) => match locale {
            Locale::En => definition.name_en.clone(),
            Locale::ZhCn => definition.name_zh.clone(),
        },
        None => key.as_str().to_owned(),
    }
}

fn credits(
    page: &mut String,
    season: &Season<'_>,
    figures: &Figures,
    words: &Words,
    locale: Locale,
) {
    section(page, words.credits_heading, words.credits_note);
    let rows = &figures.credits;
    if rows.is_empty() {
        empty(page, words.no_credits);
        return;
    }
    let taxonomy = season.bundle.taxonomy();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|(kind, category, amount)| {
            let category = category.as_ref().map_or_else(
                || words.no_category.to_owned(),
                |key| category_name(&taxonomy, key, locale),
            );
            Bar {
                label: format!("{} · {category}", kind_name(*kind, locale)),
                value: amount.hundredths() as f64,
                shown: amount.to_string(),
            }
        })
        .collect();
    page.push_str(&svg::rows(words.credits_heading, &bars));
    page.push('\n');
}

fn ranking(page: &mut String, season: &Season<'_>, words: &Words) {
    section(page, words.index_heading, words.index_note);
    let ranked = figures::ranking(season);
    if season.index.is_none() {
        empty(page, words.index_missing);
        return;
    }
    if ranked.is_empty() {
        empty(page, words.index_unranked);
        return;
    }
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|(rank, unit, score)| Bar {
            label: format!("{rank}. {unit}"),
            value: score.parse::<f64>().unwrap_or(0.0),
            shown: score.clone(),
        })
        .collect();
    page.push_str(&svg::rows(words.index_heading, &bars));
    page.push('\n');
    // A district without a score has no bar, so it is named here.
    let unranked: Vec<&str> = season
        .index
        .iter()
        .flat_map(|index| &index.units)
        .filter(|unit| unit.score.is_none())
        .map(|unit| unit.unit.as_str())
        .collect();
    if !unranked.is_empty() {
        let names = unranked.join(words.list_separator);
        empty(page, &format!("{}{names}", words.index_some_unranked));
    }
}

fn scans(page: &mut String, season: &Season<'_>, words: &Words, locale: Locale) {
    section(page, words.scans_heading, words.scans_note);
    let summary = &season.summary;
    let _ = writeln!(
        page,
        "<table><tr><td>{}</td><td class=\"n\">{}</td></tr><tr><td>{}</td><td class=\"n\">{}</td></tr><tr><td>{}</td><td class=\"n\">{}</td></tr></table>",
        escape(words.scans_accepted),
        grouped(summary.scans_accepted),
        escape(words.scans_rejected),
        grouped(summary.scans_rejected),
        escape(words.scans_duplicate),
        grouped(summary.scans_duplicate)
    );
    let rejections = figures::rejections(season);
    if rejections.is_empty() {
        return;
    }
    let _ = write!(
        page,
        "<table><tr><th>{}</th><th class=\"n\">{}</th></tr>",
        escape(words.reason),
        escape(words.count)
    );
    for (code, count) in rejections {
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&rejection_name(&code, locale)),
            grouped(count)
        );
    }
    page.push_str("</table>\n");
}

fn clubs(page: &mut String, season: &Season<'_>, words: &Words, locale: Locale) {
    section(page, words.clubs_heading, words.clubs_note);
    if season.clubs.is_empty() {
        empty(page, words.no_clubs);
        return;
    }
    let _ = write!(
        page,
        "<table><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr>",
        escape(words.club),
        escape(words.year),
        escape(words.score),
        escape(words.rating)
    );
    let names: HashMap<ClubId, &str> = season
        .bundle
        .clubs
        .iter()
        .map(|club| (club.id, club.name.as_str()))
        .collect();
    for evaluation in &season.clubs {
        let name = names
            .get(&evaluation.club_id)
            .map_or_else(|| evaluation.club_id.to_string(), |name| (*name).to_owned());
        let (score, rating) = match &evaluation.result {
            Ok(result) => (result.score.clone(), rating_name(&result.rating, locale)),
            Err(_) => ("–".to_owned(), words.not_evaluated.to_owned()),
        };
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&name),
            evaluation.year,
            escape(&score),
            escape(&rating)
        );
    }
    page.push_str("</table>\n");
}

fn bundle(page: &mut String, read: &ReadReport, written: &[(String, u64)], words: &Words) {
    section(page, words.bundle_heading, words.rows_note);
    let _ = writeln!(
        page,
        "<table><tr><td>{}</td><td class=\"n\">{}</td></tr><tr><td>{}</td><td class=\"n\">{}</td></tr></table>",
        escape(words.rows_read),
        grouped(read.rows_read()),
        escape(words.rows_rejected),
        grouped(read.rows_rejected())
    );
    let _ = write!(
        page,
        "<p class=\"note\">{}:</p><table>",
        escape(words.files_note)
    );
    for (file, rows) in written {
        let _ = write!(
            page,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            escape(file),
            grouped(*rows)
        );
    }
    page.push_str("</table>\n");
}

/// The id and size of a season's credit-bank deposit batch, as the page
/// and the closing summary show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchSummary {
    /// The batch id.
    pub batch_id: String,
    /// The number of deposits in the batch.
    pub deposits: usize,
}

/// Returns the id and size of the season's credit-bank deposit batch, or
/// `None` when the batch cannot be made. The deposits are made one at a
/// time and not kept.
pub fn batch_summary(season: &Season<'_>) -> Option<BatchSummary> {
    let batch = deposit_batch_summary(&season.ledger, &season.deposit_options()).ok()?;
    Some(BatchSummary {
        batch_id: batch.batch_id.to_string(),
        deposits: batch.deposits,
    })
}
