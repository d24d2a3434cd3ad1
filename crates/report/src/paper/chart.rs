//! Figures as SVG, drawn by plotters: bars on the left axis with an optional line on the right
//! axis (图 1, 4–7), stacked bars (图 3), lines (图 2). Synthetic values are drawn pale (bars) or
//! hollow (line points) and the legend says so. Text stays text (`<text>`), so the SVG is small,
//! searchable and rendered with whatever CJK font the viewer (browser, typst, resvg) has.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::build::fmt_value;
use super::doc::{ChartKind, Figure, Series};

pub const WIDTH: u32 = 880;
pub const HEIGHT: u32 = 440;
const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";

const PALETTE: [RGBColor; 4] = [RGBColor(0x2f, 0x6d, 0xb5), RGBColor(0xe3, 0x8b, 0x2c), RGBColor(0x3a, 0x9e, 0x6f), RGBColor(0x8e, 0x5c, 0xb8)];
const LINE: RGBColor = RGBColor(0xc8, 0x3c, 0x3c);

fn pale(c: RGBColor) -> RGBColor {
    let m = |x: u8| ((x as u16 + 2 * 255) / 3) as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0f64, 0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.15;
    (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
}

/// An axis tick without float noise (`12000`, not `12000.0`).
fn axis_label(v: &f64) -> String {
    fmt_value((*v * 1e6).round() / 1e6)
}

fn label(s: &Series) -> String {
    if s.unit.is_empty() { s.name.clone() } else { format!("{}（{}）", s.name, s.unit) }
}

/// The figure as an SVG document.
pub fn svg(fig: &Figure) -> String {
    let mut out = String::new();
    // plotters reports errors of its backend only; a String backend has none worth surfacing,
    // but a drawing error still leaves a valid (partial) SVG rather than a panic.
    let _ = draw(fig, &mut out);
    out
}

fn draw<'a>(fig: &Figure, out: &'a mut String) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let n = fig.categories.len().max(1);
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let text = |size: u32| (FONT, size).into_font();
    let bar_values: Vec<f64> = match fig.kind {
        ChartKind::Stacked => (0..n).map(|i| fig.bars.iter().filter_map(|s| s.values.get(i).copied().flatten()).sum()).collect(),
        _ => fig.bars.iter().flat_map(|s| s.values.iter().flatten().copied()).collect(),
    };
    let (lo, hi) = if fig.bars.is_empty() {
        range(fig.line.iter().flat_map(|s| s.values.iter().flatten().copied()))
    } else {
        range(bar_values.into_iter())
    };
    // A line alone is read on the left axis: both coordinates share its range.
    let (llo, lhi) = if fig.bars.is_empty() { (lo, hi) } else { range(fig.line.iter().flat_map(|s| s.values.iter().flatten().copied())) };
    let mut chart = ChartBuilder::on(&root)
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .right_y_label_area_size(if fig.line.is_some() && !fig.bars.is_empty() { 56 } else { 0 })
        // An integer range is inclusive: 0..n-1 gives exactly n bands.
        .build_cartesian_2d((0..n as i32 - 1).into_segmented(), lo..hi)?
        .set_secondary_coord(0f64..n as f64, llo..lhi);
    let cats = fig.categories.clone();
    let left_unit = fig.bars.first().or(fig.line.as_ref()).map(|s| s.unit.clone()).unwrap_or_default();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .x_label_style(text(13))
        .y_label_style(text(12))
        .y_desc(left_unit)
        .axis_desc_style(text(13))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => cats.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_labels(n)
        .y_label_formatter(&axis_label)
        .draw()?;
    if let (Some(line), false) = (&fig.line, fig.bars.is_empty()) {
        chart.configure_secondary_axes().y_desc(line.unit.clone()).axis_desc_style(text(13)).label_style(text(12)).y_label_formatter(&axis_label).draw()?;
    }
    let k = fig.bars.len().max(1) as u32;
    let mut base = vec![0f64; n];
    for (si, s) in fig.bars.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        let mut rects = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let style = if s.synthetic[i] { pale(colour).filled() } else { colour.filled() };
            let (y0, y1) = match fig.kind {
                ChartKind::Stacked => {
                    let y0 = base[i];
                    base[i] += v;
                    (y0, base[i])
                }
                _ => (0.0, v),
            };
            rects.push((i, y0, y1, style));
        }
        let kind = fig.kind;
        chart
            .draw_series(rects.into_iter().map(move |(i, y0, y1, style)| {
                let mut r = Rectangle::new([(SegmentValue::Exact(i as i32), y0), (SegmentValue::Exact(i as i32 + 1), y1)], style);
                // Side by side when several series are not stacked: each takes a slice of the band.
                let margin = if kind == ChartKind::Stacked || k == 1 { 14 } else { 6 };
                r.set_margin(0, 0, margin, margin);
                r
            }))?
            .label(label(s))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled()));
        if fig.kind != ChartKind::Stacked && k == 1 {
            chart.draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                v.map(|v| Text::new(fmt_value(v), (SegmentValue::CenterOf(i as i32), v), text(11).color(&RGBColor(0x33, 0x33, 0x33)).pos(plotters::style::text_anchor::Pos::new(plotters::style::text_anchor::HPos::Center, plotters::style::text_anchor::VPos::Bottom))))
            }))?;
        }
    }
    if let Some(line) = &fig.line {
        let pts: Vec<(f64, f64)> = line.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64 + 0.5, v))).collect();
        let syn = line.synthetic.clone();
        let vals = line.values.clone();
        {
            chart
                // A single point is a dot, not a line (an empty polyline would be invalid SVG).
                .draw_secondary_series(LineSeries::new(if pts.len() > 1 { pts.clone() } else { Vec::new() }, LINE.stroke_width(2)))?
                .label(label(line))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], LINE.stroke_width(2)));
            chart.draw_secondary_series(vals.iter().enumerate().filter_map(|(i, v)| {
                v.map(|v| {
                    let style = if syn[i] { WHITE.filled() } else { LINE.filled() };
                    Circle::new((i as f64 + 0.5, v), 4, style)
                })
            }))?;
            chart.draw_secondary_series(pts.iter().map(|&(x, y)| Text::new(format!("{}{}", fmt_value(y), if line.unit == "%" { "%" } else { "" }), (x + 0.08, y), text(11).color(&LINE))))?;
        }
    }
    {
        // The legend goes where the tallest bars are not.
        let first = fig.bars.first().or(fig.line.as_ref());
        let tallest = first.and_then(|s| s.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).max_by(|a, b| a.1.total_cmp(&b.1))).map_or(0, |x| x.0);
        let pos = if tallest * 2 >= n { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::UpperRight };
        chart.configure_series_labels().label_font(text(12)).background_style(WHITE.mix(0.85)).border_style(RGBColor(0xcc, 0xcc, 0xcc)).position(pos).draw()?;
    }
    if fig.has_synthetic() {
        root.draw(&Text::new("浅色柱 / 空心点为合成数据（synthetic）", (16, HEIGHT as i32 - 14), text(12).color(&RGBColor(0x99, 0x55, 0x00))))?;
    }
    root.present()?;
    Ok(())
}
