//! Named scenarios, each telling one story of the study.

/// A scenario: settings on top of the defaults, and what to watch.
pub struct Preset {
    pub key: &'static str,
    pub title: &'static str,
    /// What to watch, and why (plain text).
    pub story: &'static str,
    /// `key=value&...` applied to the defaults.
    pub settings: &'static str,
    /// Steps after which the story has played out.
    pub steps: u64,
}

pub static PRESETS: &[Preset] = &[];

/// The preset with this key, or an error that lists the known ones.
pub fn find(key: &str) -> Result<&'static Preset, String> {
    PRESETS.iter().find(|p| p.key == key).ok_or_else(|| {
        let keys: Vec<&str> = PRESETS.iter().map(|p| p.key).collect();
        format!(
            "unknown preset '{}' (known: {})",
            key.chars().take(40).collect::<String>(),
            keys.join(", ")
        )
    })
}
