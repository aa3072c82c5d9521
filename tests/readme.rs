//! The README documents every setting, preset and metric the code has (no drift).

#[test]
fn readme_lists_every_setting_key_and_preset() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for f in dpo_sim::settings::FIELDS {
        let scope = match f.scope {
            dpo_sim::settings::Scope::Live => "live",
            dpo_sim::settings::Scope::Restart => "restart",
        };
        let prefix = format!("| `{}` |", f.key);
        let suffix = format!("| {} | {scope} |", f.format(&dpo_sim::Settings::default()));
        let found = readme
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(&f.range_text()) && l.ends_with(&suffix));
        assert!(
            found,
            "README has no current row for setting '{}' (range, default, scope)",
            f.key
        );
    }
    for p in dpo_sim::presets::PRESETS {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` | **{}.** {}", p.key, p.title, p.setup)))
            .unwrap_or_else(|| panic!("README has no current row for preset {}", p.key));
        for (k, claim) in p.claims.iter().enumerate() {
            assert!(
                row.contains(&format!("({}) {}.", k + 1, claim.text)),
                "README's row for {} lacks claim {}",
                p.key,
                k + 1
            );
        }
    }
    for column in dpo_sim::metrics::keys() {
        assert!(readme.contains(column), "README lacks metrics column {column}");
    }
}
