//! The numbers measured at every step, named like the columns of `metrics.csv`.

/// Column names, in the order of [`Metrics::values`].
pub const COLUMNS: [&str; 17] = [
    "step",
    "loss",
    "batch_loss",
    "grad_norm",
    "batch_grad_norm",
    "signal",
    "expected_reward",
    "ref_reward",
    "target_reward",
    "kl",
    "off_support_mass",
    "chosen_logp",
    "rejected_logp",
    "margin",
    "target_distance",
    "hessian_min",
    "hessian_max",
];

/// Metrics of the parameters after `step` updates. NaN marks "not defined here":
/// no finite target (distance), tabular model (Hessian), no pairs (batch values).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub step: u64,
    /// Population DPO loss under the exact pair distribution.
    pub loss: f64,
    /// Loss of the minibatch drawn at this step.
    pub batch_loss: f64,
    /// |grad L|, exact.
    pub grad_norm: f64,
    /// |minibatch gradient|.
    pub batch_grad_norm: f64,
    /// Component of -grad L along grad J: how much a small step improves the policy.
    pub signal: f64,
    /// J(theta) = E_{pi_theta}[r].
    pub expected_reward: f64,
    /// J of the reference.
    pub ref_reward: f64,
    /// J* of the target (the RLHF optimum with full support).
    pub target_reward: f64,
    /// KL(pi_theta || pi_ref).
    pub kl: f64,
    /// Policy mass on responses the sampler cannot emit.
    pub off_support_mass: f64,
    /// Population mean log pi_theta(chosen).
    pub chosen_logp: f64,
    /// Population mean log pi_theta(rejected).
    pub rejected_logp: f64,
    /// Population mean DPO margin beta (h(chosen) - h(rejected)).
    pub margin: f64,
    /// |theta - target|.
    pub target_distance: f64,
    /// Hessian eigenvalues (linear model).
    pub hessian_min: f64,
    pub hessian_max: f64,
}

impl Metrics {
    pub fn values(&self) -> [f64; COLUMNS.len()] {
        [
            self.step as f64,
            self.loss,
            self.batch_loss,
            self.grad_norm,
            self.batch_grad_norm,
            self.signal,
            self.expected_reward,
            self.ref_reward,
            self.target_reward,
            self.kl,
            self.off_support_mass,
            self.chosen_logp,
            self.rejected_logp,
            self.margin,
            self.target_distance,
            self.hessian_min,
            self.hessian_max,
        ]
    }

    /// The value of one column by name.
    pub fn get(&self, column: &str) -> Option<f64> {
        COLUMNS.iter().position(|c| *c == column).map(|k| self.values()[k])
    }
}

/// Index of a column in [`COLUMNS`]; panics on a name that is not a column (a typo in code).
pub fn column(name: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no metrics column '{name}'"))
}

/// One CSV line of values; undefined (NaN) values are empty cells.
pub fn csv_line(values: &[f64]) -> String {
    values
        .iter()
        // + 0.0 turns -0 into 0: an empty sum is -0 in Rust.
        .map(|v| {
            if v.is_finite() {
                format!("{}", v + 0.0)
            } else {
                String::new()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
