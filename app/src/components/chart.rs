//! A chart drawn by ECharts in the browser once the page hydrates (charming's WASM renderer). The
//! server renders the empty box with a label; every page that has a chart also shows its numbers
//! in a table, so the page says the same without JavaScript. A changed spec updates the chart in
//! place rather than drawing a new one.
//!
//! Text (axes, legends, the gauge's figure) takes the theme's colours from the page's CSS
//! variables when drawn, so it reads in light and dark mode; legends scroll on narrow screens and
//! the category axis leaves out labels that would overlap. A bucket still coming in (today) is
//! drawn dashed and labelled "today, so far" rather than as a drop.

use leptos::prelude::*;
use switchboard_core::analytics::gauge::GaugeScale;

/// One line or set of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSpec {
    pub name: String,
    pub color: &'static str,
    pub values: Vec<Option<f64>>,
}

/// What to draw, in plain numbers: built the same on the server and in the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartSpec {
    /// Stacked areas over time (one per series), in `unit`; the bucket at `partial` is still
    /// coming in.
    Trend {
        labels: Vec<String>,
        series: Vec<SeriesSpec>,
        unit: String,
        partial: Option<usize>,
    },
    /// A bar per category on the left axis and a line on the right one.
    Compare {
        categories: Vec<String>,
        colors: Vec<&'static str>,
        bars: SeriesSpec,
        line: SeriesSpec,
    },
    /// Bars per day on the left axis and a line on the right one (a campaign's spend and
    /// conversions); the day at `partial` is still coming in.
    Daily {
        labels: Vec<String>,
        bars: SeriesSpec,
        line: SeriesSpec,
        partial: Option<usize>,
    },
    /// A dial in percent (see [`GaugeScale`]), green inside its band.
    Gauge { scale: GaugeScale, label: String },
    /// A line with its interval drawn as a shaded band around it, and a dashed line at zero (a
    /// test's lift over time: the band narrows as data comes), in `unit`.
    Band {
        labels: Vec<String>,
        line: SeriesSpec,
        low: Vec<Option<f64>>,
        high: Vec<Option<f64>>,
        band_name: String,
        unit: String,
        /// The value axis's bounds (the earliest intervals, very wide, run off it).
        range: (f64, f64),
    },
    /// A bar per category, each in its own colour, with its value written over it followed by
    /// `suffix` (a learning's metric before and after, or each sighting's result in percent).
    Bars {
        categories: Vec<String>,
        colors: Vec<&'static str>,
        name: String,
        values: Vec<Option<f64>>,
        suffix: String,
    },
}

/// Bumped when the user switches the theme, so charts take the new theme's colours.
#[derive(Debug, Clone, Copy)]
pub struct ChartTheme(pub RwSignal<u32>);

/// Puts [`ChartTheme`] in the context; the App calls it once.
pub fn provide_chart_theme() {
    provide_context(ChartTheme(RwSignal::new(0)));
}

/// The label of the bucket still coming in.
pub const PARTIAL_LABEL: &str = "today, so far";

/// Platform colours, matching the style's `--google`, `--meta` and `--pinterest`.
pub fn platform_color(platform: switchboard_core::Platform) -> &'static str {
    match platform {
        switchboard_core::Platform::Google => "#1e8e3e",
        switchboard_core::Platform::Meta => "#0866ff",
        switchboard_core::Platform::Pinterest => "#e60023",
    }
}

pub use switchboard_core::analytics::report::split_partial;

/// How many frames a chart waits for its box to be put in the document.
#[cfg(feature = "hydrate")]
const WAIT_FRAMES: u32 = 120;

#[component]
pub fn Chart(
    #[prop(into)] id: String,
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] label: String,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let id = id.clone();
        let theme = use_context::<ChartTheme>();
        // Frames waited for the box to be in the document.
        let waited = RwSignal::new(0u32);
        Effect::new(move |held: Option<Option<draw::Handle>>| {
            let spec = spec.get();
            // Redrawn with the theme's colours when it changes.
            if let Some(t) = theme {
                t.0.track();
            }
            waited.track();
            let held = held.flatten();
            if held.is_none() && !draw::in_document(&id) {
                // After a link is followed in the browser, the new page is built before it is put
                // in the document: drawn on a later frame (waiting about two seconds at most).
                if waited.get_untracked() < WAIT_FRAMES {
                    request_animation_frame(move || waited.update(|n| *n += 1));
                }
                return None;
            }
            draw::draw(&id, &spec, held)
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = spec;
    view! { <div id=id class=format!("chart {class}") role="img" aria-label=label data-testid="chart"></div> }
}

#[cfg(feature = "hydrate")]
mod draw {
    use super::{ChartSpec, PARTIAL_LABEL, SeriesSpec, split_partial};
    use charming::Chart;
    use charming::component::{Axis, Grid, Legend, LegendType};
    use charming::element::{
        AreaStyle, AxisLabel, AxisLine, AxisLineStyle, AxisType, Formatter, ItemStyle, Label, LabelPosition,
        LineStyle, LineStyleType, MarkArea, MarkAreaData, SplitLine, TextStyle, Tooltip, Trigger,
    };
    use charming::renderer::{Echarts, WasmRenderer};
    use charming::series::{Bar, Gauge, GaugeDetail, GaugeProgress, GaugeTitle, Line};

    pub type Handle = Echarts;

    /// Colours for text and grid lines, from the theme.
    struct Ink {
        text: String,
        muted: String,
        grid: &'static str,
    }

    /// Reads the theme's `--text` and `--text-muted` where the chart sits (they follow
    /// `prefers-color-scheme` and the theme toggle); mid-greys that read on either when missing.
    fn ink(id: &str) -> Ink {
        let read = |name: &str| -> Option<String> {
            let window = leptos::prelude::window();
            let el = window.document()?.get_element_by_id(id)?;
            let style = window.get_computed_style(&el).ok()??;
            let v = style.get_property_value(name).ok()?;
            let v = v.trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        Ink {
            text: read("--text").unwrap_or_else(|| "#8b93a1".to_owned()),
            muted: read("--text-muted").unwrap_or_else(|| "#8b93a1".to_owned()),
            grid: "rgba(128, 128, 128, 0.22)",
        }
    }

    /// Whether the chart's box is in the document yet (ECharts finds it by id).
    pub fn in_document(id: &str) -> bool {
        leptos::prelude::window()
            .document()
            .and_then(|d| d.get_element_by_id(id))
            .is_some()
    }

    /// Draws `spec` into the element `id`, or updates the chart already there.
    pub fn draw(id: &str, spec: &ChartSpec, held: Option<Echarts>) -> Option<Echarts> {
        let chart = build(spec, &ink(id));
        match held {
            Some(echarts) => {
                update(&echarts, &chart);
                Some(echarts)
            }
            None => match WasmRenderer::new_opt(None, None).render(id, &chart) {
                Ok(echarts) => Some(echarts),
                Err(e) => {
                    leptos::logging::warn!("chart {id} could not be drawn: {e:?}");
                    None
                }
            },
        }
    }

    /// Updates the chart in place, replacing its series rather than merging them by position: a
    /// window that loses its partial day has fewer series, and the old dashed ones must go.
    fn update(echarts: &Echarts, chart: &Chart) {
        use leptos::wasm_bindgen::{JsCast, JsValue};
        let run = || -> Result<(), JsValue> {
            let text = serde_json::to_string(chart).map_err(|e| JsValue::from_str(&e.to_string()))?;
            let option = js_sys::JSON::parse(&text)?;
            let opts = js_sys::Object::new();
            let replace = js_sys::Array::of1(&JsValue::from_str("series"));
            js_sys::Reflect::set(&opts, &JsValue::from_str("replaceMerge"), &replace)?;
            let target: &JsValue = echarts.as_ref();
            let set = js_sys::Reflect::get(target, &JsValue::from_str("setOption"))?
                .dyn_into::<js_sys::Function>()?;
            set.call2(target, &option, &opts)?;
            Ok(())
        };
        if let Err(e) = run() {
            leptos::logging::warn!("chart could not be updated: {e:?}");
            WasmRenderer::update(echarts, chart);
        }
    }

    /// The plot area, sized to hold its axis labels whatever their length (no label is cut off
    /// on a phone).
    fn grid() -> Grid {
        Grid::new()
            .left("4")
            .right("8")
            .top("40")
            .bottom("4")
            .contain_label(true)
    }

    fn legend(ink: &Ink) -> Legend {
        // Scrolls sideways rather than wrapping over the plot on a phone.
        Legend::new()
            .type_(LegendType::Scroll)
            .top("0")
            .text_style(TextStyle::new().color(ink.text.as_str()))
    }

    fn category_axis(labels: &[String], ink: &Ink) -> Axis {
        Axis::new()
            .type_(AxisType::Category)
            .data(labels.to_vec())
            .axis_label(AxisLabel::new().color(ink.muted.as_str()).font_size(11))
    }

    /// A value axis; the first (`grid`) on the left, the second on the right. Its name is aligned
    /// towards the plot so a long one ("Spend (USD)") is not cut at the chart's edge.
    fn value_axis(name: &str, ink: &Ink, grid: bool) -> Axis {
        let align = if grid { "left" } else { "right" };
        Axis::new()
            .type_(AxisType::Value)
            .name(name)
            .name_text_style(TextStyle::new().color(ink.muted.as_str()).align(align))
            .axis_label(AxisLabel::new().color(ink.muted.as_str()).font_size(11))
            .split_line(
                SplitLine::new()
                    .show(grid)
                    .line_style(LineStyle::new().color(ink.grid)),
            )
    }

    /// The band over the partial bucket, labelled.
    fn partial_area(labels: &[String], at: usize, ink: &Ink) -> Option<MarkArea> {
        let label = labels.get(at)?;
        Some(
            MarkArea::new()
                .silent(true)
                .item_style(ItemStyle::new().color("rgba(128, 128, 128, 0.12)"))
                .label(
                    // Inside the band's top right, so the text runs leftwards into the plot
                    // rather than off its right edge.
                    Label::new()
                        .show(true)
                        .position(LabelPosition::InsideTopRight)
                        .color(ink.muted.as_str())
                        .font_size(10)
                        .formatter(PARTIAL_LABEL),
                )
                .data(vec![(
                    MarkAreaData::new().x_axis(label.as_str()),
                    MarkAreaData::new().x_axis(label.as_str()),
                )]),
        )
    }

    fn build(spec: &ChartSpec, ink: &Ink) -> Chart {
        match spec {
            ChartSpec::Trend {
                labels,
                series,
                unit,
                partial,
            } => {
                let mut chart = Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .legend(legend(ink))
                    .grid(grid())
                    .x_axis(category_axis(labels, ink))
                    .y_axis(value_axis(unit, ink, true));
                for (i, s) in series.iter().enumerate() {
                    let (solid, dashed) = split_partial(&s.values, *partial);
                    let mut line = Line::new()
                        .name(s.name.clone())
                        .stack("spend")
                        .show_symbol(false)
                        .item_style(ItemStyle::new().color(s.color))
                        .area_style(AreaStyle::new().opacity(0.35))
                        .data(solid);
                    if i == 0
                        && let Some(area) = partial.and_then(|p| partial_area(labels, p, ink))
                    {
                        line = line.mark_area(area);
                    }
                    chart = chart.series(line);
                    if !dashed.is_empty() {
                        // The same name: the legend shows and hides both parts together.
                        chart = chart.series(
                            Line::new()
                                .name(s.name.clone())
                                .stack("partial")
                                .show_symbol(false)
                                .item_style(ItemStyle::new().color(s.color))
                                .line_style(LineStyle::new().type_(LineStyleType::Dashed))
                                .area_style(AreaStyle::new().opacity(0.12))
                                .data(dashed),
                        );
                    }
                }
                chart
            }
            ChartSpec::Compare {
                categories,
                colors,
                bars,
                line,
            } => {
                let points: Vec<charming::datatype::DataPointItem> = bars
                    .values
                    .iter()
                    .zip(colors)
                    .map(|(v, color)| {
                        charming::datatype::DataPointItem::new(v.unwrap_or(0.0))
                            .item_style(ItemStyle::new().color(*color))
                    })
                    .collect();
                Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .legend(legend(ink))
                    .grid(grid())
                    .x_axis(category_axis(categories, ink))
                    .y_axis(value_axis(&bars.name, ink, true))
                    .y_axis(value_axis(&line.name, ink, false))
                    .series(
                        Bar::new()
                            .name(bars.name.clone())
                            .item_style(ItemStyle::new().color(bars.color))
                            .data(points),
                    )
                    .series(
                        Line::new()
                            .name(line.name.clone())
                            .y_axis_index(1)
                            .item_style(ItemStyle::new().color(line.color))
                            .data(values(line)),
                    )
            }
            ChartSpec::Daily {
                labels,
                bars,
                line,
                partial,
            } => {
                // Today's bar is faded; its conversions line is dashed from yesterday's point.
                let points: Vec<charming::datatype::DataPointItem> = bars
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let style = ItemStyle::new().color(bars.color);
                        let style = if Some(i) == *partial {
                            style.opacity(0.4)
                        } else {
                            style
                        };
                        charming::datatype::DataPointItem::new(v.unwrap_or(0.0)).item_style(style)
                    })
                    .collect();
                let (solid, dashed) = split_partial(&line.values, *partial);
                let bar = Bar::new()
                    .name(bars.name.clone())
                    .item_style(ItemStyle::new().color(bars.color))
                    .data(points);
                let mut conversions = Line::new()
                    .name(line.name.clone())
                    .y_axis_index(1)
                    .show_symbol(false)
                    .item_style(ItemStyle::new().color(line.color))
                    .data(solid);
                if let Some(area) = partial.and_then(|p| partial_area(labels, p, ink)) {
                    conversions = conversions.mark_area(area);
                }
                let mut chart = Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .legend(legend(ink))
                    .grid(grid())
                    .x_axis(category_axis(labels, ink))
                    .y_axis(value_axis(&bars.name, ink, true))
                    .y_axis(value_axis(&line.name, ink, false))
                    .series(bar)
                    .series(conversions);
                if !dashed.is_empty() {
                    chart = chart.series(
                        Line::new()
                            .name(line.name.clone())
                            .y_axis_index(1)
                            .show_symbol(false)
                            .item_style(ItemStyle::new().color(line.color))
                            .line_style(LineStyle::new().type_(LineStyleType::Dashed))
                            .data(dashed),
                    );
                }
                chart
            }
            ChartSpec::Band {
                labels,
                line,
                low,
                high,
                band_name,
                unit,
                range,
            } => {
                // The band: the low edge (not drawn) with the width stacked on it, shaded.
                let width: Vec<Option<f64>> = low
                    .iter()
                    .zip(high)
                    .map(|(l, h)| l.zip(*h).map(|(l, h)| ((h - l) * 100.0).round() / 100.0))
                    .collect();
                let hidden = LineStyle::new().opacity(0.0);
                let shown = vec![band_name.clone(), line.name.clone(), "No difference".to_owned()];
                Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .legend(legend(ink).data(shown))
                    .grid(grid())
                    .x_axis(category_axis(labels, ink))
                    .y_axis(value_axis(unit, ink, true).min(range.0).max(range.1))
                    .series(
                        Line::new()
                            .name(format!("{band_name} (low)"))
                            .stack("band")
                            .show_symbol(false)
                            .line_style(hidden.clone())
                            .item_style(ItemStyle::new().color(line.color).opacity(0.0))
                            .data(low.clone()),
                    )
                    .series(
                        Line::new()
                            .name(band_name.clone())
                            .stack("band")
                            .show_symbol(false)
                            .line_style(hidden)
                            .item_style(ItemStyle::new().color(line.color))
                            .area_style(AreaStyle::new().color(line.color).opacity(0.18))
                            .data(width),
                    )
                    .series(
                        Line::new()
                            .name(line.name.clone())
                            .show_symbol(false)
                            .item_style(ItemStyle::new().color(line.color))
                            .data(values(line)),
                    )
                    .series(
                        Line::new()
                            .name("No difference")
                            .show_symbol(false)
                            .item_style(ItemStyle::new().color(ink.muted.as_str()))
                            .line_style(LineStyle::new().type_(LineStyleType::Dashed))
                            .data(vec![Some(0.0); labels.len()]),
                    )
            }
            ChartSpec::Bars {
                categories,
                colors,
                name,
                values,
                suffix,
            } => {
                let points: Vec<charming::datatype::DataPointItem> = values
                    .iter()
                    .zip(colors)
                    .map(|(v, color)| {
                        charming::datatype::DataPointItem::new(v.unwrap_or(0.0))
                            .item_style(ItemStyle::new().color(*color))
                    })
                    .collect();
                Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .grid(grid())
                    .x_axis(category_axis(categories, ink))
                    .y_axis(value_axis(name, ink, true))
                    .series(
                        Bar::new()
                            .name(name.clone())
                            .label(
                                Label::new()
                                    .show(true)
                                    .position(LabelPosition::Top)
                                    .color(ink.text.as_str())
                                    .formatter(Formatter::String(format!("{{c}}{suffix}"))),
                            )
                            .data(points),
                    )
            }
            ChartSpec::Gauge { scale, label } => {
                let max = scale.max;
                let band = |x: f64| (x / max).clamp(0.0, 1.0);
                let style = AxisLineStyle::new()
                    .width(12)
                    .color((band(scale.low), "#f59e0b"))
                    .color((band(scale.high), "#10b981"))
                    .color((1.0, "#ef4444"));
                Chart::new().series(
                    Gauge::new()
                        .min(0)
                        .max(max)
                        .radius("95%")
                        .progress(GaugeProgress::new().show(false))
                        .axis_line(AxisLine::new().line_style(style))
                        .axis_label(
                            AxisLabel::new()
                                .distance(16)
                                .font_size(10)
                                .color(ink.muted.as_str()),
                        )
                        // The card says what the number is, in the theme's colours (ECharts' title
                        // text has a fixed dark grey).
                        .title(GaugeTitle::new().show(false))
                        // The true value, also when the needle stops at the dial's end.
                        .detail(
                            GaugeDetail::new()
                                .formatter(Formatter::String(scale.text.clone()))
                                .color(ink.text.as_str())
                                .font_size(18),
                        )
                        .data(vec![(scale.needle.round(), label.as_str())]),
                )
            }
        }
    }

    fn values(s: &SeriesSpec) -> Vec<Option<f64>> {
        s.values.clone()
    }
}
