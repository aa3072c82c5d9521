//! The README's settings, presets and metrics tables are the code's tables, row by row (no
//! drift, nothing missing, nothing extra).

use dpo_sim::metrics::METRICS;
use dpo_sim::presets::PRESETS;
use dpo_sim::settings::{Scope, FIELDS};
use dpo_sim::Settings;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The rows of the Markdown table under the header line `header` (after its `| --- |` line).
fn table<'a>(readme: &'a str, header: &str) -> Vec<&'a str> {
    let mut lines = readme.lines().skip_while(|l| *l != header);
    assert_eq!(lines.next(), Some(header), "README has no table headed {header}");
    assert!(lines.next().is_some_and(|l| l.starts_with("| ---")), "{header}");
    lines.take_while(|l| l.starts_with('|')).collect()
}

/// A table row of cells, with the `|` inside a cell escaped as Markdown needs.
fn row(cells: &[&str]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |", cells.join(" | "))
}

#[test]
fn readme_settings_table_is_the_settings_table() {
    let expected: Vec<String> = FIELDS
        .iter()
        .map(|f| {
            let scope = match f.scope {
                Scope::Live => "live",
                Scope::Restart => "restart",
            };
            row(&[
                &format!("`{}`", f.key),
                &format!("{}: {}", f.label, f.help),
                &f.range_text(),
                &f.format(&Settings::default()),
                scope,
            ])
        })
        .collect();
    assert_eq!(
        table(&readme(), "| key | meaning | range | default | scope |"),
        expected
    );
}

#[test]
fn readme_presets_table_is_the_presets_table() {
    let expected: Vec<String> = PRESETS
        .iter()
        .map(|p| {
            let claims: Vec<String> = p
                .claims
                .iter()
                .enumerate()
                .map(|(k, c)| format!("({}) {}.", k + 1, c.text))
                .collect();
            let experiment = format!(
                "**{}.** {} Its claims, checked at step {}: {}",
                p.title,
                p.setup,
                p.steps,
                claims.join(" ")
            );
            row(&[&format!("`{}`", p.key), &experiment])
        })
        .collect();
    assert_eq!(table(&readme(), "| key | the experiment and its claims |"), expected);
}

#[test]
fn readme_metrics_table_is_the_metrics_table() {
    let expected: Vec<String> = METRICS
        .iter()
        .map(|m| row(&[&format!("`{}`", m.key), m.label, m.help]))
        .collect();
    assert_eq!(table(&readme(), "| column | label | meaning |"), expected);
}
