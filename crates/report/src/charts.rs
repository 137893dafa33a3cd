//! Vector charts drawn straight into the page: lines, bars and axes as PDF paths, labels as
//! real text. Floats are used for geometry only; every amount printed beside a chart comes
//! from the exact decimals.

use crate::fonts::Style;
use crate::layout::{CONTENT_W, Flow, MARGIN, palette};
use crate::pdf::Rgb;

/// Width kept left of a plot for the value axis labels.
const AXIS_W: f32 = 46.0;

/// A round step for about `target` ticks over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target;
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Axis bounds and ticks covering `low..high` (zero always inside, so bars start at zero).
pub fn axis(low: f64, high: f64) -> (f64, f64, Vec<f64>) {
    let low = low.min(0.0);
    let high = high.max(0.0);
    let (low, high) = if high - low < 1e-9 {
        (low, low + 1.0)
    } else {
        (low, high)
    };
    let step = nice_step(high - low, 5.0);
    let start = (low / step).floor() * step;
    let end = (high / step).ceil() * step;
    let mut ticks = Vec::new();
    let mut tick = start;
    let mut guard = 0;
    while tick <= end + step * 1e-6 && guard < 50 {
        ticks.push(tick);
        tick += step;
        guard += 1;
    }
    (start, end, ticks)
}

/// A tick label: `25k`, `1.5M`, `-500` (an axis label, not an amount).
pub fn tick_label(value: f64) -> String {
    let abs = value.abs();
    let text = if abs >= 1_000_000.0 {
        format!("{:.1}M", value / 1_000_000.0)
    } else if abs >= 1_000.0 {
        format!("{:.1}k", value / 1_000.0)
    } else {
        format!("{value:.0}")
    };
    text.replace(".0M", "M").replace(".0k", "k")
}

/// A plot area and its value scale.
struct Plot {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    low: f64,
    high: f64,
}

impl Plot {
    fn y_of(&self, value: f64) -> f32 {
        let t = (value - self.low) / (self.high - self.low);
        self.y + self.h - (t as f32) * self.h
    }

    /// Grid lines and value labels.
    fn grid(&self, flow: &mut Flow, ticks: &[f64]) {
        for tick in ticks {
            let y = self.y_of(*tick);
            let (width, color) = if tick.abs() < 1e-9 {
                (0.9, palette::MUTED)
            } else {
                (0.4, palette::RULE)
            };
            flow.doc.line(self.x, y, self.x + self.w, y, width, color);
            flow.doc.text_right(
                Style::Regular,
                7.0,
                self.x - 4.0,
                y + 2.5,
                palette::MUTED,
                &tick_label(*tick),
            );
        }
    }
}

/// A legend entry row at the current position.
fn legend(flow: &mut Flow, entries: &[(Rgb, &str)]) {
    let mut x = MARGIN + AXIS_W;
    for (color, label) in entries {
        flow.doc.rect(x, flow.y - 7.0, 9.0, 7.0, *color);
        flow.doc.text(
            Style::Regular,
            7.5,
            x + 12.0,
            flow.y - 0.5,
            palette::TEXT,
            label,
        );
        x += 24.0 + flow.doc.width(Style::Regular, 7.5, label);
    }
}

/// End-of-day balance over time, days below zero shaded.
///
/// `points` are (day index from the first day, balance); `labels` are (day index, text) for the
/// time axis (month starts).
pub fn balance(flow: &mut Flow, points: &[(f64, f64)], days: f64, labels: &[(f64, String)]) {
    let height = 170.0;
    flow.ensure(height + 40.0);
    flow.y += 14.0;
    legend(
        flow,
        &[
            (palette::BALANCE, "End-of-day balance"),
            (palette::OVERDRAFT, "Overdraft (below zero)"),
        ],
    );
    flow.y += 8.0;
    let low = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let high = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let (low, high, ticks) = if points.is_empty() {
        axis(0.0, 1.0)
    } else {
        axis(low, high)
    };
    let plot = Plot {
        x: MARGIN + AXIS_W,
        y: flow.y,
        w: CONTENT_W - AXIS_W - 6.0,
        h: height,
        low,
        high,
    };
    let zero = plot.y_of(0.0);
    if low < 0.0 {
        flow.doc.rect(
            plot.x,
            zero,
            plot.w,
            plot.y + plot.h - zero,
            Rgb::hex(0xFD, 0xF0, 0xF1),
        );
    }
    plot.grid(flow, &ticks);
    let span = days.max(1.0);
    let x_of = |day: f64| plot.x + (day / span) as f32 * plot.w;
    // A step line: a balance holds until the next day's, which is how a ledger moves.
    let mut path = Vec::with_capacity(points.len() * 2);
    for (i, (day, value)) in points.iter().enumerate() {
        let y = plot.y_of(*value);
        if i > 0
            && let Some((_, prev)) = path.last().copied()
        {
            path.push((x_of(*day), prev));
        }
        path.push((x_of(*day), y));
    }
    if let Some((_, last_y)) = path.last().copied() {
        path.push((x_of(span), last_y));
    }
    if low < 0.0 && path.len() > 1 {
        let mut area = path.clone();
        if let (Some(first), Some(last)) = (path.first().copied(), path.last().copied()) {
            area.push((last.0, zero));
            area.push((first.0, zero));
        }
        flow.doc.polygon_clipped(
            &area,
            Rgb::hex(0xE5, 0x73, 0x73),
            (plot.x, zero, plot.w, plot.y + plot.h - zero),
        );
    }
    flow.doc.polyline(&path, 1.3, palette::BALANCE);
    for (day, label) in labels {
        let x = x_of(*day);
        flow.doc.line(
            x,
            plot.y + plot.h,
            x,
            plot.y + plot.h + 3.0,
            0.5,
            palette::MUTED,
        );
        flow.doc.text(
            Style::Regular,
            7.0,
            x + 2.0,
            plot.y + plot.h + 11.0,
            palette::MUTED,
            label,
        );
    }
    flow.y += height + 18.0;
}

/// Grouped vertical bars, one group per label, with a legend.
pub fn grouped_bars(flow: &mut Flow, groups: &[(String, Vec<f64>)], series: &[(Rgb, &str)]) {
    let height = 150.0;
    flow.ensure(height + 40.0);
    flow.y += 14.0;
    legend(flow, series);
    flow.y += 8.0;
    let values = groups.iter().flat_map(|(_, v)| v.iter().copied());
    let low = values.clone().fold(0.0, f64::min);
    let high = values.fold(0.0, f64::max);
    let (low, high, ticks) = axis(low, high);
    let plot = Plot {
        x: MARGIN + AXIS_W,
        y: flow.y,
        w: CONTENT_W - AXIS_W - 6.0,
        h: height,
        low,
        high,
    };
    plot.grid(flow, &ticks);
    let slot = plot.w / groups.len().max(1) as f32;
    let per = series.len().max(1) as f32;
    let bar_w = (slot * 0.7 / per).min(28.0);
    let zero = plot.y_of(0.0);
    for (i, (label, values)) in groups.iter().enumerate() {
        let center = plot.x + slot * (i as f32 + 0.5);
        let start = center - bar_w * per / 2.0;
        for (j, value) in values.iter().enumerate() {
            let color = series.get(j).map(|s| s.0).unwrap_or(palette::MUTED);
            let top = plot.y_of(*value);
            let (y, h) = if top < zero {
                (top, zero - top)
            } else {
                (zero, top - zero)
            };
            flow.doc
                .rect(start + bar_w * j as f32 + 0.5, y, bar_w - 1.0, h, color);
        }
        flow.doc.text_center(
            Style::Regular,
            7.0,
            center,
            plot.y + plot.h + 11.0,
            palette::MUTED,
            label,
        );
    }
    flow.y += height + 18.0;
}

/// Horizontal bars: label left, bar, the exact figure right.
pub fn horizontal_bars(flow: &mut Flow, items: &[(String, f64, String)], color: Rgb) {
    let row = 15.0;
    let label_w = 150.0;
    let value_w = 120.0;
    let bar_x = MARGIN + label_w;
    let bar_max = CONTENT_W - label_w - value_w;
    let top = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    for (label, value, text) in items {
        flow.ensure(row);
        let label = crate::layout::fit(&flow.doc, Style::Regular, 8.0, label_w - 8.0, label);
        flow.doc.text(
            Style::Regular,
            8.0,
            MARGIN,
            flow.y + 10.5,
            palette::TEXT,
            &label,
        );
        let w = ((value / top).max(0.0) as f32) * bar_max;
        flow.doc
            .rect(bar_x, flow.y + 3.0, bar_max, 9.0, palette::SHADE);
        flow.doc.rect(bar_x, flow.y + 3.0, w.max(0.5), 9.0, color);
        flow.doc.text_right(
            Style::Regular,
            8.0,
            MARGIN + CONTENT_W,
            flow.y + 10.5,
            palette::TEXT,
            text,
        );
        flow.y += row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round_and_include_zero() {
        let (low, high, ticks) = axis(165.19, 32603.97);
        assert_eq!(low, 0.0);
        assert!(high >= 32603.97);
        assert!(ticks.len() >= 4 && ticks.len() <= 12, "{ticks:?}");
        let (low, _, _) = axis(-1200.0, 500.0);
        assert!(low <= -1200.0);
    }

    #[test]
    fn tick_labels_are_compact() {
        assert_eq!(tick_label(25_000.0), "25k");
        assert_eq!(tick_label(1_500_000.0), "1.5M");
        assert_eq!(tick_label(-500.0), "-500");
        assert_eq!(tick_label(2_500.0), "2.5k");
    }
}
