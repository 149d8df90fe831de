//! The HTML writer: one self-contained file from [`ReportData`] through the `report.html`
//! template (minijinja, HTML auto-escaping; every value shown through [`super::svg::esc`]),
//! the static SVG charts of [`super::svg`], the vendored uPlot for the interactive activity
//! series, and a Content-Security-Policy that forbids every network access and allows only the
//! report's own scripts and styles, by their sha256.

use base64::Engine as _;
use minijinja::value::Value;
use minijinja::{context, AutoEscape, Environment};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::ReportData;
use super::svg;
use crate::time::Zone;

/// The report template.
pub const TEMPLATE: &str = include_str!("../../assets/report/report.html");
/// The report's styles.
pub const CSS: &str = include_str!("../../assets/report/report.css");
/// The report's own script (zoom, sort, filter).
pub const REPORT_JS: &str = include_str!("../../assets/report/report.js");
/// uPlot 1.6.32 (MIT), vendored from npm.
pub const UPLOT_JS: &str = include_str!("../../assets/vendor/uplot/uPlot.iife.min.js");
/// uPlot's styles.
pub const UPLOT_CSS: &str = include_str!("../../assets/vendor/uplot/uPlot.min.css");

/// `'sha256-<base64>'` of a script or style body, as CSP wants it.
pub fn csp_hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The Content-Security-Policy of the report: nothing from any network; images only as data:
/// URLs; only the report's own styles and scripts, by hash.
pub fn csp() -> String {
    format!(
        "default-src 'none'; img-src data:; style-src {} {}; script-src {} {}; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(UPLOT_CSS),
        csp_hash(UPLOT_JS),
        csp_hash(REPORT_JS)
    )
}

/// JSON for a `<script type="application/json">`: `<`, `>`, `&`, U+2028 and U+2029 escaped, so
/// no text can close the element or start markup.
pub fn script_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The IANA name uPlot's time axis is drawn in, when the zone has one.
fn iana(zone: &Zone) -> Option<String> {
    match zone {
        Zone::Named(tz) => Some(tz.name().to_string()),
        Zone::Fixed(o) if o.local_minus_utc() == 0 => Some("Etc/UTC".into()),
        Zone::Fixed(o) if o.local_minus_utc() % 3600 == 0 => {
            Some(format!("Etc/GMT{:+}", -o.local_minus_utc() / 3600))
        }
        Zone::Fixed(_) => None,
    }
}

/// The environment shared by the HTML and Markdown writers: templates, the `t` (time) filter
/// in `zone`, and the escaping formatter.
pub fn environment(zone: Zone) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom("md")
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let text = value.to_string();
        let shown = match (value.is_safe(), state.auto_escape()) {
            (true, _) => text,
            (false, AutoEscape::Html) => svg::esc(&text),
            (false, AutoEscape::Custom("md")) => super::md::escape(&text),
            (false, _) => crate::render::escape::visible(&text).into_owned(),
        };
        out.write_str(&shown)
            .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed"))
    });
    env.add_filter("t", move |v: Option<i64>| -> String {
        v.map(|t| zone.format(t, "%Y-%m-%d %H:%M:%S"))
            .unwrap_or_default()
    });
    env.add_template("report.html", TEMPLATE)
        .expect("the report template parses");
    env.add_template("report.md", super::md::TEMPLATE)
        .expect("the markdown template parses");
    env
}

fn safe(text: String) -> Value {
    Value::from_safe_string(text)
}

/// The charts of the report, drawn from its numbers.
fn charts(r: &ReportData, start: i64, end: i64, zone: Zone) -> Value {
    let a = &r.activity;
    let rows = |t: &super::model::Top| -> Vec<(String, u64)> {
        t.rows.iter().map(|c| (c.value.clone(), c.events)).collect()
    };
    let sparks: Vec<Value> = r
        .keys
        .iter()
        .map(|k| {
            safe(svg::sparkline(
                &k.daily,
                120.0,
                22.0,
                &format!("calls per day of {}", k.record.key_id),
            ))
        })
        .collect();
    let heatmaps: Vec<Value> = r
        .usage
        .iter()
        .map(|u| {
            safe(svg::heatmap(
                &u.heatmap,
                &format!("calls on {} by hour and weekday", u.key_id),
            ))
        })
        .collect();
    let baselines: Vec<Value> = r
        .baseline_series
        .iter()
        .flat_map(|set| &set.series)
        .map(|s| {
            let last = s.start + 3600 * s.observed.len() as i64;
            let label = |t: i64| zone.format(t, "%Y-%m-%d %H:%M");
            safe(svg::baseline_band(
                s,
                (&label(s.start), &label(last)),
                &format!(
                    "{} per hour of {} {} with its baseline band",
                    s.metric, s.entity_kind, s.entity
                ),
            ))
        })
        .collect();
    context! {
        baselines => baselines,
        coverage => safe(svg::coverage(&r.header.coverage)),
        activity => safe(svg::activity(&a.times, [&a.reads, &a.writes, &a.errors], "reads, writes and errors over time")),
        services => safe(svg::bars(&rows(&a.services), "events by service")),
        regions => safe(svg::bars(&rows(&a.regions), "events by region")),
        swimlanes => safe(svg::swimlanes(&r.lifecycle, start, end)),
        sparks => sparks,
        heatmaps => heatmaps,
    }
}

/// Writes the report as one self-contained HTML document.
pub fn render(r: &ReportData, zone: Zone) -> Result<String, minijinja::Error> {
    let env = environment(zone);
    let start = r
        .header
        .from
        .or(r.header.first_event)
        .unwrap_or(r.header.generated_at);
    let end = r
        .header
        .to
        .or(r.header.last_event.map(|t| t + 1))
        .unwrap_or(start + 1);
    let data = serde_json::json!({
        "activity": {
            "times": r.activity.times, "reads": r.activity.reads,
            "writes": r.activity.writes, "errors": r.activity.errors,
        },
        "tz": iana(&zone),
        "baselines": r.baseline_series.iter().flat_map(|set| &set.series).map(|s| serde_json::json!({
            "anchor": s.anchor, "start": s.start, "observed": s.observed, "median": s.median,
            "lower": s.lower, "upper": s.upper, "flag_at": s.flag_at, "episodes": s.episodes,
        })).collect::<Vec<_>>(),
    });
    env.get_template("report.html")?.render(context! {
        r => Value::from_serialize(r),
        csp => csp(),
        charts => charts(r, start, end, zone),
        compare => r.header.compare_to.is_some(),
        geoip => !r.appendix.geoip.is_empty(),
        data_json => safe(script_json(&data)),
        assets => context! {
            css => safe(CSS.to_string()),
            uplot_css => safe(UPLOT_CSS.to_string()),
            uplot_js => safe(UPLOT_JS.to_string()),
            report_js => safe(REPORT_JS.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let text = script_json(&serde_json::json!({"ua": "</script><img src=x onerror=alert(1)>"}));
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["ua"], "</script><img src=x onerror=alert(1)>");
    }

    #[test]
    fn csp_allows_only_hashed_scripts() {
        let policy = csp();
        assert!(policy.starts_with("default-src 'none';"));
        assert!(!policy.contains("unsafe-inline") && policy.matches("'sha256-").count() == 4);
    }

    #[test]
    fn assets_cannot_end_their_elements_early() {
        for body in [CSS, REPORT_JS, UPLOT_JS, UPLOT_CSS] {
            assert!(!body.contains("</script") && !body.contains("</style"));
        }
    }
}
