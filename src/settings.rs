//! One validated settings type, declared once as a table of fields.
//!
//! Every control of the page, every URL key and every `--set` of the runner comes from
//! [`FIELDS`]: a field's key, label, range, default and whether changing it restarts
//! the run. Settings round-trip exactly through the `key=value&...` text form.

use std::fmt;
use std::sync::Arc;

use crate::decimal::parse_f64;
use crate::designs;
use crate::responses::Responses;

/// Declares a choice setting once: its enum, and each option's text form beside its variant,
/// so the names the page lists and the values the core reads come from one list.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every option, in the order the page lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Their text forms, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The option's place in the list: its value in the table.
            fn index(self) -> f64 {
                Self::ALL.iter().position(|&o| o == self).unwrap_or(0) as f64
            }

            /// The option at a place the table checked.
            fn at(index: f64) -> Self {
                Self::ALL[index as usize]
            }
        }
    };
}

choice! {
    /// Which policy class DPO trains.
    Model {
        /// The linear alignment model: theta in R^2, log-policy linear in the features.
        Linear = "linear",
        /// One free logit per response.
        Tabular = "tabular",
    }
}

choice! {
    /// How a preference pair is generated from the sampler.
    Design {
        /// Both candidates from the quality-tilted sampler.
        Independent = "independent",
        /// One candidate from the tilted sampler, the other from the untilted one.
        Contrastive = "contrastive",
        /// K draws; the best is chosen, the worst rejected.
        BestVsWorst = "bvw",
        /// Pairs weighted by 1 / (sigma(s dr) sigma(-s dr)): uniform pairs mixed with pairs from
        /// (softmax(s r), softmax(-s r)) (Shi, Zhou and Du 2025).
        MixR = "mixr",
        /// Pairs weighted by 1 / (sigma(beta dh) sigma(-beta dh)), h the policy's implicit
        /// reward: online even offline.
        MixP = "mixp",
    }
}

choice! {
    /// Who labels a pair.
    Labels {
        /// Bradley-Terry: i preferred to j with probability sigma(s (r_i - r_j)).
        BradleyTerry = "bt",
        /// The higher true reward always wins.
        Oracle = "oracle",
    }
}

choice! {
    /// The part of the true reward the linear model cannot represent.
    Misspec {
        /// m_i a seeded standard normal.
        Noise = "noise",
        /// m_i = -|phi_i|^2: extremes are bad.
        Concave = "concave",
    }
}

/// Everything that defines a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub quality: f64,
    pub support: f64,
    pub on_policy: f64,
    pub design: Design,
    pub k: usize,
    pub labels: Labels,
    pub sharpness: f64,
    pub beta: f64,
    pub lr: f64,
    pub batch: usize,
    pub exact: bool,
    pub model: Model,
    pub n: usize,
    pub ref_quality: f64,
    pub kappa: f64,
    pub misspec: f64,
    pub shape: Misspec,
    pub scale: f64,
    pub seed: u64,
    /// The world as a list of responses (`rewards=` or `world=`); None: generated from the
    /// seed. When given, N is its length.
    pub world: Option<Arc<Responses>>,
    /// Where the linear model's training starts (`theta0=a,b`); [0, 0] is pi_theta = pi_ref.
    pub theta0: [f64; 2],
}

/// The key of the linear model's start point. Not in [`FIELDS`]: its value is a point, not a
/// number, set by dragging it on the landscape (or by keys there) rather than by a slider.
pub const START_KEY: &str = "theta0";
/// Each coordinate of theta0 lies in [-START_LIMIT, START_LIMIT].
pub const START_LIMIT: f64 = 100.0;

/// Every key a setting can be given by: the table's, the world's and the start point's.
pub fn setting_keys() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.key).chain(WORLD_KEYS).chain([START_KEY])
}

/// Reads `theta0=a,b`: two numbers, each within +-[`START_LIMIT`].
fn parse_start(value: &str) -> Result<[f64; 2], SettingsError> {
    let fail = || SettingsError {
        key: START_KEY.to_string(),
        message: format!(
            "{START_KEY} = '{}' is not allowed: {START_KEY} must be two numbers from -{START_LIMIT} to {START_LIMIT}, \
             separated by a comma (as in 1.5,-2)",
            clip(value)
        ),
    };
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    let [a, b] = parts[..] else { return Err(fail()) };
    let read = |t: &str| {
        parse_f64(t)
            .filter(|v| v.is_finite() && v.abs() <= START_LIMIT)
            .map(|v| v + 0.0)
    };
    match (read(a), read(b)) {
        (Some(a), Some(b)) => Ok([a, b]),
        _ => Err(fail()),
    }
}

/// The text form of a start point: parses back to the same two numbers.
fn start_text([a, b]: [f64; 2]) -> String {
    format!("{a},{b}")
}

/// The keys that give the world as a list of responses: the short form (rewards only) and
/// the full one (`responses.rs`). They are not in [`FIELDS`]: their values are lists, not
/// numbers, and no slider sets them. Empty, either means the generated world.
pub const WORLD_KEYS: [&str; 2] = ["rewards", "world"];

/// Reads the value of a world key.
fn parse_world(key: &str, value: &str) -> Result<Option<Arc<Responses>>, SettingsError> {
    let text = value.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let list = if key == "rewards" {
        Responses::parse_rewards(text)
    } else {
        Responses::parse_world(text)
    };
    list.map(|r| Some(Arc::new(r))).map_err(|message| SettingsError {
        key: key.to_string(),
        message,
    })
}

/// The allowed values of a field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Real { min: f64, max: f64 },
    Int { min: u64, max: u64 },
    Choice(&'static [&'static str]),
    Bool,
}

/// Does a change take effect from the next step, or restart the run?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Sampler and optimiser settings: the run goes on from the current parameters.
    Live,
    /// Settings that define the world or the model: the run restarts from step 0.
    Restart,
}

/// One row of the settings table. Values travel as f64: a number, an integer, the
/// index of a choice, or 0/1 for a switch.
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub scope: Scope,
    /// Which group of controls the page shows it in.
    pub group: &'static str,
    /// The default, in the text form a URL or `--set` would give.
    pub default: &'static str,
    get: fn(&Settings) -> f64,
    set: fn(&mut Settings, f64),
}

/// The settings table, in the order the page shows the controls.
pub static FIELDS: &[Field] = &[
    Field {
        key: "quality",
        label: "Sampling quality q",
        help: "Tilts the sampler toward high-reward responses: pi_q ∝ pi_0 exp(4 q z).",
        kind: Kind::Real { min: 0.0, max: 1.0 },
        scope: Scope::Live,
        group: "Sampler",
        default: "0",
        get: |s| s.quality,
        set: |s, v| s.quality = v,
    },
    Field {
        key: "support",
        label: "Support c",
        help: "Fraction of responses the sampler can emit (the most likely ones, at least 2).",
        kind: Kind::Real { min: 0.01, max: 1.0 },
        scope: Scope::Live,
        group: "Sampler",
        default: "1",
        get: |s| s.support,
        set: |s, v| s.support = v,
    },
    Field {
        key: "online",
        label: "On-policy fraction λ",
        help: "0: pairs from the reference (offline DPO); 1: from the current policy (online DPO).",
        kind: Kind::Real { min: 0.0, max: 1.0 },
        scope: Scope::Live,
        group: "Sampler",
        default: "0",
        get: |s| s.on_policy,
        set: |s, v| s.on_policy = v,
    },
    Field {
        key: "design",
        label: "Pair design",
        help: "independent: both from pi_q; contrastive: one from pi_q, one from pi_0; bvw: best vs worst of K; \
               mixr / mixp: pairs weighted by 1 / (sigma(x) sigma(-x)) of x = s (r_i - r_j) or beta (h_i - h_j), \
               quality aside.",
        kind: Kind::Choice(Design::NAMES),
        scope: Scope::Live,
        group: "Sampler",
        default: "contrastive",
        get: |s| s.design.index(),
        set: |s, v| s.design = Design::at(v),
    },
    Field {
        key: "k",
        label: "K (best vs worst)",
        help: "Number of draws per pair in the best-vs-worst design.",
        kind: Kind::Int { min: 2, max: 32 },
        scope: Scope::Live,
        group: "Sampler",
        default: "4",
        get: |s| s.k as f64,
        set: |s, v| s.k = v as usize,
    },
    Field {
        key: "labels",
        label: "Labels",
        help: "bt: Bradley-Terry coin with sharpness s; oracle: the higher reward always wins.",
        kind: Kind::Choice(Labels::NAMES),
        scope: Scope::Live,
        group: "Sampler",
        default: "bt",
        get: |s| s.labels.index(),
        set: |s, v| s.labels = Labels::at(v),
    },
    Field {
        key: "s",
        label: "Preference sharpness s",
        help: "P(i preferred to j) = sigma(s (r_i - r_j)).",
        kind: Kind::Real { min: 0.1, max: 20.0 },
        scope: Scope::Live,
        group: "Sampler",
        default: "2",
        get: |s| s.sharpness,
        set: |s, v| s.sharpness = v,
    },
    Field {
        key: "beta",
        label: "β",
        help: "DPO temperature: the margin is beta times the log-ratio difference.",
        kind: Kind::Real { min: 0.01, max: 10.0 },
        scope: Scope::Live,
        group: "Optimiser",
        default: "0.5",
        get: |s| s.beta,
        set: |s, v| s.beta = v,
    },
    Field {
        key: "lr",
        label: "Learning rate η",
        help: "Step size of plain SGD.",
        kind: Kind::Real { min: 1e-4, max: 1000.0 },
        scope: Scope::Live,
        group: "Optimiser",
        default: "1",
        get: |s| s.lr,
        set: |s, v| s.lr = v,
    },
    Field {
        key: "batch",
        label: "Batch size B",
        help: "Pairs drawn per step by running the generative process.",
        kind: Kind::Int { min: 1, max: 1024 },
        scope: Scope::Live,
        group: "Optimiser",
        default: "32",
        get: |s| s.batch as f64,
        set: |s, v| s.batch = v as usize,
    },
    Field {
        key: "exact",
        label: "Exact full-batch gradient",
        help: "Step along the exact population gradient instead of a minibatch.",
        kind: Kind::Bool,
        scope: Scope::Live,
        group: "Optimiser",
        default: "0",
        get: |s| f64::from(u8::from(s.exact)),
        set: |s, v| s.exact = v != 0.0,
    },
    Field {
        key: "model",
        label: "Policy model",
        help: "linear: the 2-parameter alignment model (the proxy); tabular: one logit per response.",
        kind: Kind::Choice(Model::NAMES),
        scope: Scope::Restart,
        group: "World and model",
        default: "linear",
        get: |s| s.model.index(),
        set: |s, v| s.model = Model::at(v),
    },
    Field {
        key: "n",
        label: "Responses N",
        help: "Number of responses to the prompt.",
        kind: Kind::Int { min: 4, max: 256 },
        scope: Scope::Restart,
        group: "World and model",
        default: "48",
        get: |s| s.n as f64,
        set: |s, v| s.n = v as usize,
    },
    Field {
        key: "refq",
        label: "Reference quality cos α",
        help: "Cosine of the angle between the reference's direction and the reward's (negative: it prefers worse responses).",
        kind: Kind::Real { min: -1.0, max: 1.0 },
        scope: Scope::Restart,
        group: "World and model",
        default: "0",
        get: |s| s.ref_quality,
        set: |s, v| s.ref_quality = v,
    },
    Field {
        key: "kappa",
        label: "Reference concentration κ",
        help: "pi_ref ∝ exp(kappa <v, phi>): 0 is uniform.",
        kind: Kind::Real { min: 0.0, max: 10.0 },
        scope: Scope::Restart,
        group: "World and model",
        default: "1",
        get: |s| s.kappa,
        set: |s, v| s.kappa = v,
    },
    Field {
        key: "gamma",
        label: "Misspecification γ",
        help: "Weight of the reward term the linear model cannot represent.",
        kind: Kind::Real { min: 0.0, max: 2.0 },
        scope: Scope::Restart,
        group: "World and model",
        default: "0",
        get: |s| s.misspec,
        set: |s, v| s.misspec = v,
    },
    Field {
        key: "shape",
        label: "Misspecification shape",
        help: "noise: a seeded normal per response; concave: -|phi|^2, so extreme responses are bad.",
        kind: Kind::Choice(Misspec::NAMES),
        scope: Scope::Restart,
        group: "World and model",
        default: "noise",
        get: |s| s.shape.index(),
        set: |s, v| s.shape = Misspec::at(v),
    },
    Field {
        key: "scale",
        label: "Feature scale",
        help: "Standard deviation of the response features.",
        kind: Kind::Real { min: 0.1, max: 5.0 },
        scope: Scope::Restart,
        group: "World and model",
        default: "1",
        get: |s| s.scale,
        set: |s, v| s.scale = v,
    },
    Field {
        key: "seed",
        label: "Seed",
        help: "Draws the responses, the noise and the minibatches: the same seed, the same run.",
        kind: Kind::Int { min: 0, max: u32::MAX as u64 },
        scope: Scope::Restart,
        group: "World and model",
        default: "1",
        get: |s| s.seed as f64,
        set: |s, v| s.seed = v as u64,
    },
];

impl Default for Settings {
    /// Every field at its default in the table.
    fn default() -> Self {
        // Placeholders only: each is overwritten from the table just below.
        let mut s = Settings {
            quality: 0.0,
            support: 0.0,
            on_policy: 0.0,
            design: Design::ALL[0],
            k: 0,
            labels: Labels::ALL[0],
            sharpness: 0.0,
            beta: 0.0,
            lr: 0.0,
            batch: 0,
            exact: false,
            model: Model::ALL[0],
            n: 0,
            ref_quality: 0.0,
            kappa: 0.0,
            misspec: 0.0,
            shape: Misspec::ALL[0],
            scale: 0.0,
            seed: 0,
            world: None,
            theta0: [0.0; 2],
        };
        for f in FIELDS {
            // A default outside its range is a bug in the table, caught by the tests below.
            let v = f
                .parse_value(f.default)
                .unwrap_or_else(|e| panic!("the default of {}: {e}", f.key));
            (f.set)(&mut s, v);
        }
        s
    }
}

/// Why a setting was refused. Its message names the field, the value and the range.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SettingsError {}

/// Shortens untrusted text for an error message.
pub(crate) fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

impl Field {
    pub fn find(key: &str) -> Result<&'static Field, SettingsError> {
        FIELDS.iter().find(|f| f.key == key).ok_or_else(|| {
            let keys: Vec<&str> = setting_keys().collect();
            SettingsError {
                key: clip(key),
                message: format!("unknown setting '{}' (known: {})", clip(key), keys.join(", ")),
            }
        })
    }

    /// The allowed values, as shown in error messages and help.
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Real { min, max } => format!("a number from {min} to {max}"),
            Kind::Int { min, max } => format!("a whole number from {min} to {max}"),
            Kind::Choice(options) => format!("one of {}", options.join(", ")),
            Kind::Bool => "0 or 1".to_string(),
        }
    }

    /// Parses and range-checks a value given as text.
    pub fn parse_value(&self, text: &str) -> Result<f64, SettingsError> {
        let fail = || SettingsError {
            key: self.key.to_string(),
            message: format!(
                "{} = '{}' is not allowed: {} must be {}",
                self.key,
                clip(text),
                self.key,
                self.range_text()
            ),
        };
        let text = text.trim();
        match self.kind {
            Kind::Choice(options) => options
                .iter()
                .position(|o| *o == text)
                .map(|i| i as f64)
                .ok_or_else(fail),
            Kind::Bool => match text {
                "0" | "false" => Ok(0.0),
                "1" | "true" => Ok(1.0),
                _ => Err(fail()),
            },
            Kind::Int { min, max } => match text.parse::<u64>() {
                Ok(v) if v >= min && v <= max => Ok(v as f64),
                _ => Err(fail()),
            },
            // + 0.0: "-0" is 0, so the same setting has one text form (and one link).
            Kind::Real { min, max } => match parse_f64(text) {
                Some(v) if v.is_finite() && v >= min && v <= max => Ok(v + 0.0),
                _ => Err(fail()),
            },
        }
    }

    /// The value of this field in `s`, in the text form.
    pub fn format(&self, s: &Settings) -> String {
        let v = (self.get)(s);
        match self.kind {
            Kind::Choice(options) => options[v as usize].to_string(),
            Kind::Bool | Kind::Int { .. } => format!("{}", v as u64),
            Kind::Real { .. } => format!("{v}"),
        }
    }

    /// The value as a number (choice index, 0/1 for switches).
    pub fn value(&self, s: &Settings) -> f64 {
        (self.get)(s)
    }
}

impl Settings {
    /// Sets one field (or the world) from its text form, validating it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingsError> {
        if WORLD_KEYS.contains(&key) {
            return self.apply(&format!("{key}={value}"));
        }
        if key == START_KEY {
            self.theta0 = parse_start(value)?;
            return Ok(());
        }
        let field = Field::find(key)?;
        let v = field.parse_value(value)?;
        (field.set)(self, v);
        Ok(())
    }

    /// The text form of one field, or of a world key ("" when the world is not given so).
    pub fn get(&self, key: &str) -> Result<String, SettingsError> {
        if WORLD_KEYS.contains(&key) {
            return Ok(match self.world_text() {
                Some((k, text)) if k == key => text,
                _ => String::new(),
            });
        }
        if key == START_KEY {
            return Ok(start_text(self.theta0));
        }
        Ok(Field::find(key)?.format(self))
    }

    /// The world's key and text form, when it is given as a list.
    pub fn world_text(&self) -> Option<(&'static str, String)> {
        self.world.as_ref().map(|w| w.to_text())
    }

    /// Applies `key=value&key=value...` on top of these settings. All or nothing:
    /// on error `self` is unchanged. Empty parts are skipped. A world sets N; an `n` given
    /// beside a world (in the same text, or on a world given before) must agree with it.
    pub fn apply(&mut self, text: &str) -> Result<(), SettingsError> {
        let mut next = self.clone();
        let mut n_given = None;
        let mut world_key = None;
        for part in text.split('&').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| SettingsError {
                key: clip(part),
                message: format!("'{}' is not of the form key=value", clip(part)),
            })?;
            let key = key.trim();
            if let Some(k) = WORLD_KEYS.iter().find(|k| **k == key) {
                next.world = parse_world(key, value)?;
                world_key = Some(*k);
            } else {
                next.set(key, value)?;
                if key == "n" {
                    n_given = Some(next.n);
                }
            }
        }
        if let Some(world) = &next.world {
            let count = world.len();
            if let Some(n) = n_given.filter(|&n| n != count) {
                let key = world_key.unwrap_or(world.to_text().0);
                return Err(SettingsError {
                    key: "n".to_string(),
                    message: format!(
                        "n = {n} disagrees with {key}, which gives {count} responses: leave n out, or make them agree"
                    ),
                });
            }
            next.n = count;
        }
        *self = next;
        Ok(())
    }

    /// The defaults with `text` applied.
    pub fn parse(text: &str) -> Result<Settings, SettingsError> {
        let mut s = Settings::default();
        s.apply(text)?;
        Ok(s)
    }

    /// Every field as `key=value`, joined by `&`, in table order, then the world when it is
    /// given as a list and the start point when it is not 0: parses back exactly.
    pub fn to_query(&self) -> String {
        FIELDS
            .iter()
            .map(|f| format!("{}={}", f.key, f.format(self)))
            .chain(self.world_text().map(|(k, text)| format!("{k}={text}")))
            .chain((self.theta0 != [0.0; 2]).then(|| format!("{START_KEY}={}", start_text(self.theta0))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The keys whose values differ between `self` and `other` (a world by the key it has now).
    pub fn changed_keys(&self, other: &Settings) -> Vec<&'static str> {
        let world = (self.world != other.world).then(|| {
            other
                .world_text()
                .or_else(|| self.world_text())
                .map_or("world", |(k, _)| k)
        });
        FIELDS
            .iter()
            .filter(|f| f.value(self) != f.value(other))
            .map(|f| f.key)
            .chain(world)
            .chain((self.theta0 != other.theta0).then_some(START_KEY))
            .collect()
    }

    /// The settings of `self` that differ from `base`, each as (key, its value here, its value
    /// there) in short text: a world given as a list by its first 40 characters, a generated
    /// one as "generated".
    pub fn differences(&self, base: &Settings) -> Vec<(&'static str, String, String)> {
        let short = |s: &Settings, key: &str| match (s.world_text(), WORLD_KEYS.contains(&key)) {
            (Some((_, text)), true) => clip(&text),
            (None, true) => "generated".to_string(),
            _ => s.get(key).unwrap_or_default(),
        };
        base.changed_keys(self)
            .into_iter()
            .map(|key| (key, short(self, key), short(base, key)))
            .collect()
    }

    /// Does moving from `self` to `other` need a restart (a world or model field changed)?
    pub fn needs_restart(&self, other: &Settings) -> bool {
        self.world != other.world
            || self.theta0 != other.theta0
            || FIELDS
                .iter()
                .any(|f| f.scope == Scope::Restart && f.value(self) != f.value(other))
    }

    /// The parameters a run starts from: theta0 for the linear model; 0, the reference, for
    /// the tabular model's `n` logits.
    pub fn start(&self, n: usize) -> Vec<f64> {
        match self.model {
            Model::Linear => self.theta0.to_vec(),
            Model::Tabular => vec![0.0; n],
        }
    }

    /// Number of responses the sampler can emit: ceil(c N), at least 2.
    pub fn support_size(&self) -> usize {
        // The small slack keeps c*N that is whole in exact arithmetic from rounding up.
        let m = (self.support * self.n as f64 - 1e-9).ceil() as usize;
        m.clamp(2, self.n)
    }
}

/// The settings that do not apply under `s`, each with why: (key, reason). A page can
/// disable those controls and say the reason rather than let them be moved for nothing.
pub fn inapplicable(s: &Settings) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if !designs::uses_quality(s.design) {
        out.push((
            "quality",
            "Mix-R and Mix-P pairs ignore quality: their weights come from the reward or the policy",
        ));
    }
    if s.design != Design::BestVsWorst {
        out.push(("k", "K counts the draws of best-vs-worst pairs only"));
    }
    if s.labels == Labels::Oracle && s.design != Design::MixR {
        out.push((
            "s",
            "oracle labels do not use the sharpness s (Bradley-Terry labels and Mix-R's weights do)",
        ));
    }
    if s.exact {
        out.push(("batch", "the exact gradient draws no minibatch"));
    }
    if s.world.is_none() && s.misspec == 0.0 {
        out.push(("shape", "with misspecification 0 there is nothing to shape"));
    }
    out.extend(given_by_world(s));
    if s.model == Model::Tabular {
        out.push((
            START_KEY,
            "the tabular model starts at the reference (θ = 0); θ₀ places the linear model's start",
        ));
    }
    out
}

/// The settings a world given as a list makes moot, each with why (none for a generated
/// world): a page disables their controls, since a value there would contradict the list.
fn given_by_world(s: &Settings) -> Vec<(&'static str, &'static str)> {
    let Some(world) = &s.world else {
        return Vec::new();
    };
    let rewards = "the world's list gives the rewards";
    let reference = if world.has_reference() {
        "the world's list gives the reference"
    } else {
        "the world's list gives no reference, so it is uniform"
    };
    let mut out = vec![
        ("n", "the world's list gives N: its length"),
        ("refq", reference),
        ("kappa", reference),
        ("gamma", rewards),
        ("shape", rewards),
    ];
    if world.has_features() {
        out.push(("scale", "the world's list gives the features"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges_and_round_trip() {
        let d = Settings::default();
        for f in FIELDS {
            // The default read back from the settings is the table's own text.
            assert_eq!(f.format(&d), f.default, "default of {}", f.key);
        }
        assert_eq!(Settings::parse(&d.to_query()).unwrap(), d);
    }

    #[test]
    fn every_choice_option_reads_back_as_itself() {
        for f in FIELDS {
            let Kind::Choice(options) = f.kind else { continue };
            for option in options {
                let s = Settings::parse(&format!("{}={option}", f.key)).unwrap();
                assert_eq!(f.format(&s), *option, "{}", f.key);
            }
        }
        // The enum's order, not its declaration's integers, gives the value.
        assert_eq!(Design::at(Design::MixP.index()), Design::MixP);
        assert_eq!(Design::NAMES.len(), Design::ALL.len());
    }

    #[test]
    fn errors_name_field_value_and_range() {
        let e = Settings::parse("quality=1.5").unwrap_err();
        assert_eq!(e.key, "quality");
        assert!(
            e.message.contains("1.5") && e.message.contains("from 0 to 1"),
            "{}",
            e.message
        );
        let e = Settings::parse("n=3").unwrap_err();
        assert!(e.message.contains("from 4 to 256"), "{}", e.message);
        let e = Settings::parse("design=mixq").unwrap_err();
        assert_eq!(e.key, "design");
        assert_eq!(
            e.message,
            "design = 'mixq' is not allowed: design must be one of independent, contrastive, bvw, mixr, mixp"
        );
        let e = Settings::parse("colour=red").unwrap_err();
        assert!(e.message.contains("unknown setting 'colour'"), "{}", e.message);
        assert!(Settings::parse("lr=NaN").is_err());
        assert!(Settings::parse("beta=inf").is_err());
        assert!(Settings::parse("quality").is_err());
    }

    #[test]
    fn apply_is_all_or_nothing() {
        let mut s = Settings::default();
        assert!(s.apply("quality=0.5&support=7").is_err());
        assert_eq!(s, Settings::default());
        s.apply("quality=0.5&&support=0.25").unwrap();
        assert_eq!((s.quality, s.support), (0.5, 0.25));
    }

    #[test]
    fn rewards_set_n_and_refuse_a_disagreeing_n_naming_both_keys() {
        let s = Settings::parse("rewards=0.5,-1,2,3.25,0").unwrap();
        assert_eq!(s.n, 5);
        assert_eq!(s.get("rewards").unwrap(), "0.5,-1,2,3.25,0");
        assert_eq!(s.get("world").unwrap(), "");
        assert_eq!(Settings::parse(&s.to_query()).unwrap(), s);
        assert!(s.to_query().ends_with("&rewards=0.5,-1,2,3.25,0"), "{}", s.to_query());
        for text in ["rewards=1,2,3,4&n=5", "n=5&rewards=1,2,3,4"] {
            let e = Settings::parse(text).unwrap_err();
            assert_eq!(
                e.message,
                "n = 5 disagrees with rewards, which gives 4 responses: leave n out, or make them agree"
            );
        }
        Settings::parse("n=4&rewards=1,2,3,4").unwrap();
        // An n on a world given before must agree too; nothing changes on an error.
        let mut t = s.clone();
        assert!(t
            .apply("quality=0.5&n=6")
            .unwrap_err()
            .message
            .contains("n = 6 disagrees with rewards"));
        assert_eq!(t, s);
        let e = t.apply("quality=0.5&rewards=1,2,x,4").unwrap_err();
        assert_eq!(e.key, "rewards");
        assert!(e.message.starts_with("rewards, value 3: 'x'"), "{}", e.message);
        assert_eq!(t, s);
        // Empty: back to the generated world (N stays until set).
        t.apply("rewards=&n=48").unwrap();
        assert_eq!(t.world, None);
        assert!(s.needs_restart(&t));
        assert_eq!(s.changed_keys(&t), vec!["n", "rewards"]);
    }

    #[test]
    fn a_world_list_round_trips_through_the_query() {
        let s = Settings::parse("world=helpful,2;verbose%2C%20long,1;refusal,-1,;off,0&model=tabular").unwrap();
        assert_eq!(s.n, 4);
        assert_eq!(s.world.as_ref().unwrap().list()[1].name, "verbose, long");
        let (key, text) = s.world_text().unwrap();
        assert_eq!(
            (key, text.as_str()),
            ("world", "helpful,2;verbose%2C%20long,1;refusal,-1;off,0")
        );
        assert_eq!(Settings::parse(&s.to_query()).unwrap(), s);
        let e = Settings::parse("world=a,1;b,2;c,3;d,4&rewards=1,2,3,4,5&n=4").unwrap_err();
        assert!(
            e.message.contains("n = 4 disagrees with rewards, which gives 5"),
            "{}",
            e.message
        );
        let keys: Vec<&str> = inapplicable(&s).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["k", "n", "refq", "kappa", "gamma", "shape", "theta0"]);
    }

    #[test]
    fn the_start_point_round_trips_and_restarts_the_run() {
        let s = Settings::parse("theta0=1.5,-0.25").unwrap();
        assert_eq!(s.theta0, [1.5, -0.25]);
        assert_eq!(s.get("theta0").unwrap(), "1.5,-0.25");
        assert!(s.to_query().ends_with("&theta0=1.5,-0.25"), "{}", s.to_query());
        assert_eq!(Settings::parse(&s.to_query()).unwrap(), s);
        // At 0 it is left out of the query (older links read the same), and -0 is 0.
        let zero = Settings::parse("theta0=-0, 0").unwrap();
        assert_eq!(zero, Settings::default());
        assert!(!zero.to_query().contains("theta0"));
        // Every bit survives the text form.
        let odd = Settings::parse(&format!("theta0={},{}", 0.1 + 0.2, -1.0 / 3.0)).unwrap();
        assert_eq!(
            Settings::parse(&odd.to_query()).unwrap().theta0,
            [0.1 + 0.2, -1.0 / 3.0]
        );
        let d = Settings::default();
        assert!(d.needs_restart(&s));
        assert_eq!(d.changed_keys(&s), vec!["theta0"]);
        assert_eq!(s.start(5), vec![1.5, -0.25]);
        assert_eq!(
            Settings::parse("theta0=1,2&model=tabular").unwrap().start(3),
            vec![0.0; 3]
        );
        for bad in ["1", "1,2,3", "1,x", "101,0", "0,-1e3", "nan,0", ",", "1;2"] {
            let e = Settings::parse(&format!("theta0={bad}")).unwrap_err();
            assert_eq!(e.key, "theta0");
            assert!(
                e.message.starts_with(&format!("theta0 = '{bad}' is not allowed"))
                    && e.message.contains("two numbers from -100 to 100"),
                "{}",
                e.message
            );
        }
        assert!(Settings::parse("colour=red").unwrap_err().message.contains("theta0"));
    }

    #[test]
    fn differences_name_the_world_and_the_start_too() {
        let base = Settings::parse("support=0.3").unwrap();
        let now = Settings::parse("support=1&theta0=1,-2&rewards=1,2,3,4").unwrap();
        assert_eq!(
            now.differences(&base),
            vec![
                ("support", "1".to_string(), "0.3".to_string()),
                ("n", "4".to_string(), "48".to_string()),
                ("rewards", "1,2,3,4".to_string(), "generated".to_string()),
                ("theta0", "1,-2".to_string(), "0,0".to_string()),
            ]
        );
        assert!(base.differences(&base).is_empty());
    }

    #[test]
    fn scope_decides_restart() {
        let a = Settings::default();
        let b = Settings::parse("quality=1&lr=0.1").unwrap();
        assert!(!a.needs_restart(&b));
        assert_eq!(a.changed_keys(&b), vec!["quality", "lr"]);
        let c = Settings::parse("seed=9").unwrap();
        assert!(a.needs_restart(&c));
    }

    #[test]
    fn inapplicable_settings_say_why() {
        let keys = |text: &str| -> Vec<&str> {
            inapplicable(&Settings::parse(text).unwrap())
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(keys("design=bvw&gamma=1"), Vec::<&str>::new());
        assert_eq!(keys("design=mixp&gamma=1"), vec!["quality", "k"]);
        assert_eq!(keys("design=mixr&labels=oracle&gamma=1"), vec!["quality", "k"]);
        assert_eq!(keys("labels=oracle&exact=1"), vec!["k", "s", "batch", "shape"]);
        let (key, reason) = inapplicable(&Settings::parse("design=mixr").unwrap())[0];
        assert_eq!(key, "quality");
        assert!(reason.contains("Mix-R and Mix-P pairs ignore quality"), "{reason}");
        // Every key named is a setting.
        for (key, _) in inapplicable(&Settings::parse("design=mixp&labels=oracle&exact=1&model=tabular").unwrap()) {
            assert!(setting_keys().any(|k| k == key), "{key}");
        }
    }

    #[test]
    fn support_size_is_ceiling_with_a_floor_of_two() {
        let mut s = Settings::parse("n=48&support=0.25").unwrap();
        assert_eq!(s.support_size(), 12);
        s.support = 0.01;
        assert_eq!(s.support_size(), 2);
        s.support = 0.26;
        assert_eq!(s.support_size(), 13);
    }
}
