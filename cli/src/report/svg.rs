//! Bar charts as inline SVG, drawn from plain numbers. Coordinates are
//! rounded to one decimal, so the same figures always give the same text.

use std::fmt::Write;

use super::escape;

/// The width of every chart, in SVG user units (pixels at 100 %).
const WIDTH: f64 = 720.0;
/// The colour of the bars.
const BAR: &str = "#2f6f9f";
/// The colour of grid lines and axes.
const GRID: &str = "#d5dde5";

/// One bar: its label under (or beside) it, its length as a number, and
/// the value written on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The label of the bar.
    pub label: String,
    /// The length of the bar; negative lengths are drawn as zero.
    pub value: f64,
    /// The value as written beside the bar.
    pub shown: String,
}

/// The gridlines of a value axis: a round step (1, 2 or 5 times a power of
/// ten) and how many steps reach `max`, at most five; one step of 1 for an
/// empty axis.
fn axis(max: f64) -> (f64, u32) {
    if max <= 0.0 {
        return (1.0, 1);
    }
    let mut magnitude = 10f64.powf((max / 5.0).log10().floor()).max(1.0);
    loop {
        for step in [1.0, 2.0, 5.0] {
            let step = step * magnitude;
            let steps = (max / step).ceil();
            if steps <= 5.0 {
                return (step, steps as u32);
            }
        }
        magnitude *= 10.0;
    }
}

/// Writes a number for an axis label: whole numbers without decimals.
fn axis_label(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Draws vertical bars side by side with a value axis on the left; `title`
/// is the accessible name of the chart.
pub fn columns(title: &str, bars: &[Bar]) -> String {
    let height = 280.0;
    let (left, right, top, bottom) = (48.0, 12.0, 16.0, 56.0);
    let plot_width = WIDTH - left - right;
    let plot_height = height - top - bottom;
    let max = bars.iter().map(|bar| bar.value).fold(0.0, f64::max);
    let (step, steps) = axis(max);
    let axis = step * f64::from(steps);
    let mut svg = open(title, height);
    for tick in 0..=steps {
        let value = step * f64::from(tick);
        let y = top + plot_height - plot_height * value / axis;
        let _ = write!(
            svg,
            r#"<line x1="{left:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="axis">{}</text>"#,
            WIDTH - right,
            left - 6.0,
            y + 4.0,
            axis_label(value)
        );
    }
    let slot = plot_width / bars.len().max(1) as f64;
    let width = (slot * 0.7).min(48.0);
    // Label every bar while they fit, and every n-th one otherwise.
    let every = ((bars.len() as f64 * 44.0 / plot_width).ceil() as usize).max(1);
    for (position, bar) in bars.iter().enumerate() {
        let length = plot_height * bar.value.max(0.0) / axis;
        let x = left + slot * position as f64 + (slot - width) / 2.0;
        let y = top + plot_height - length;
        let centre = x + width / 2.0;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{length:.1}" fill="{BAR}"><title>{}: {}</title></rect>"#,
            escape(&bar.label),
            escape(&bar.shown)
        );
        if bars.len() <= 24 {
            let _ = write!(
                svg,
                r#"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" class="value">{}</text>"#,
                y - 4.0,
                escape(&bar.shown)
            );
        }
        if position % every == 0 {
            let _ = write!(
                svg,
                r#"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" class="axis">{}</text>"#,
                top + plot_height + 16.0,
                escape(&bar.label)
            );
        }
    }
    let _ = write!(
        svg,
        r##"<line x1="{left:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#7a8a99"/>"##,
        top + plot_height,
        WIDTH - right,
        top + plot_height
    );
    svg.push_str("</svg>");
    svg
}

/// Draws horizontal bars, one per row, with the label on the left and the
/// value at the end of the bar.
pub fn rows(title: &str, bars: &[Bar]) -> String {
    let row = 26.0;
    let (label_width, right, top) = (260.0, 90.0, 8.0);
    let height = top * 2.0 + row * bars.len().max(1) as f64;
    let plot_width = WIDTH - label_width - right;
    let max = bars.iter().map(|bar| bar.value).fold(0.0, f64::max);
    let scale = if max > 0.0 { plot_width / max } else { 0.0 };
    let mut svg = open(title, height);
    for (position, bar) in bars.iter().enumerate() {
        let y = top + row * position as f64;
        let length = (bar.value.max(0.0) * scale).max(if bar.value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="label">{}</text><rect x="{label_width:.1}" y="{:.1}" width="{length:.1}" height="{:.1}" fill="{BAR}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" class="value">{}</text>"#,
            label_width - 8.0,
            y + row * 0.65,
            escape(&bar.label),
            y + 4.0,
            row - 8.0,
            escape(&bar.label),
            escape(&bar.shown),
            label_width + length + 6.0,
            y + row * 0.65,
            escape(&bar.shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, height: f64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0} {height:.0}" width="100%" role="img" aria-label="{}"><title>{}</title>"#,
        escape(title),
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.to_string(),
        }
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(axis(0.0), (1.0, 1));
        assert_eq!(axis(3.0), (1.0, 3));
        assert_eq!(axis(5.0), (1.0, 5));
        assert_eq!(axis(9.0), (2.0, 5));
        assert_eq!(axis(11.0), (5.0, 3));
        assert_eq!(axis(4_321.0), (1_000.0, 5));
        assert_eq!(axis(0.4), (1.0, 1));
    }

    #[test]
    fn columns_draw_one_rect_per_bar() {
        let svg = columns("weeks", &[bar("03-02", 4.0), bar("03-09", 2.0)]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn labels_are_escaped() {
        let svg = rows("credits", &[bar("<tai chi & qigong>", 1.0)]);
        assert!(svg.contains("&lt;tai chi &amp; qigong&gt;"));
        assert!(!svg.contains("<tai chi"));
    }

    #[test]
    fn an_empty_chart_is_still_valid() {
        let svg = rows("none", &[]);
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 0);
    }
}
