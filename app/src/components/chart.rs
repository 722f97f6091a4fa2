//! A chart drawn by ECharts in the browser once the page hydrates (charming's WASM renderer). The
//! server renders the empty box with a label; every page that has a chart also shows its numbers
//! in a table, so the page says the same without JavaScript. A changed spec updates the chart in
//! place rather than drawing a new one.

use leptos::prelude::*;

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
    /// Stacked areas over time (one per series), in `unit`.
    Trend {
        labels: Vec<String>,
        series: Vec<SeriesSpec>,
        unit: String,
    },
    /// A bar per category on the left axis and a line on the right one.
    Compare {
        categories: Vec<String>,
        colors: Vec<&'static str>,
        bars: SeriesSpec,
        line: SeriesSpec,
    },
    /// A dial from 0 to `max` percent, green inside `[low, high]`.
    Gauge {
        value: f64,
        max: f64,
        low: f64,
        high: f64,
        label: String,
    },
}

/// Platform colours, matching the style's `--google`, `--meta` and `--pinterest`.
pub fn platform_color(platform: switchboard_core::Platform) -> &'static str {
    match platform {
        switchboard_core::Platform::Google => "#1e8e3e",
        switchboard_core::Platform::Meta => "#0866ff",
        switchboard_core::Platform::Pinterest => "#e60023",
    }
}

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
        Effect::new(move |held: Option<Option<draw::Handle>>| {
            let spec = spec.get();
            draw::draw(&id, &spec, held.flatten())
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = spec;
    view! { <div id=id class=format!("chart {class}") role="img" aria-label=label data-testid="chart"></div> }
}

#[cfg(feature = "hydrate")]
mod draw {
    use super::{ChartSpec, SeriesSpec};
    use charming::Chart;
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{
        AreaStyle, AxisLabel, AxisLine, AxisLineStyle, AxisType, Formatter, ItemStyle, SplitLine, Tooltip,
        Trigger,
    };
    use charming::renderer::{Echarts, WasmRenderer};
    use charming::series::{Bar, Gauge, GaugeDetail, GaugeProgress, GaugeTitle, Line};

    pub type Handle = Echarts;

    /// Draws `spec` into the element `id`, or updates the chart already there.
    pub fn draw(id: &str, spec: &ChartSpec, held: Option<Echarts>) -> Option<Echarts> {
        let chart = build(spec);
        match held {
            Some(echarts) => {
                WasmRenderer::update(&echarts, &chart);
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

    fn values(s: &SeriesSpec) -> Vec<Option<f64>> {
        s.values.clone()
    }

    fn build(spec: &ChartSpec) -> Chart {
        match spec {
            ChartSpec::Trend { labels, series, unit } => {
                let mut chart = Chart::new()
                    .tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .legend(Legend::new().top("0"))
                    .grid(Grid::new().left("56").right("16").top("36").bottom("28"))
                    .x_axis(Axis::new().type_(AxisType::Category).data(labels.clone()))
                    .y_axis(
                        Axis::new()
                            .type_(AxisType::Value)
                            .name(unit.clone())
                            .split_line(SplitLine::new().show(true)),
                    );
                for s in series {
                    chart = chart.series(
                        Line::new()
                            .name(s.name.clone())
                            .stack("spend")
                            .show_symbol(false)
                            .item_style(ItemStyle::new().color(s.color))
                            .area_style(AreaStyle::new().opacity(0.35))
                            .data(values(s)),
                    );
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
                    .legend(Legend::new().top("0"))
                    .grid(Grid::new().left("56").right("56").top("36").bottom("28"))
                    .x_axis(Axis::new().type_(AxisType::Category).data(categories.clone()))
                    .y_axis(Axis::new().type_(AxisType::Value).name(bars.name.clone()))
                    .y_axis(
                        Axis::new()
                            .type_(AxisType::Value)
                            .name(line.name.clone())
                            .split_line(SplitLine::new().show(false)),
                    )
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
            ChartSpec::Gauge {
                value,
                max,
                low,
                high,
                label,
            } => {
                let band = |x: f64| (x / max).clamp(0.0, 1.0);
                let style = AxisLineStyle::new()
                    .width(12)
                    .color((band(*low), "#f59e0b"))
                    .color((band(*high), "#10b981"))
                    .color((1.0, "#ef4444"));
                Chart::new().series(
                    Gauge::new()
                        .min(0)
                        .max(*max)
                        .radius("95%")
                        .progress(GaugeProgress::new().show(false))
                        .axis_line(AxisLine::new().line_style(style))
                        .axis_label(AxisLabel::new().distance(16).font_size(10))
                        // Under the number (ECharts puts the number at 40% below the centre).
                        .title(GaugeTitle::new().offset_center(("0", "72%")))
                        .detail(
                            GaugeDetail::new()
                                .formatter(Formatter::String("{value}%".to_owned()))
                                .font_size(18),
                        )
                        .data(vec![(value.round(), label.as_str())]),
                )
            }
        }
    }
}
