//! The numbers measured at every step, declared once: each column's key (as in
//! `metrics.csv`), its label, a short label for tight places, what it means, and how to
//! print it. The CSV header, the page's readouts, the charts' legends, the wasm rows and
//! the README's column list all come from [`METRICS`].

use crate::format::{number, Format};

/// Metrics of the parameters after `step` updates. NaN marks "not defined here":
/// no finite minimiser (distance, J_S), no pairs (batch values).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub step: u64,
    pub loss: f64,
    pub batch_loss: f64,
    pub grad_norm: f64,
    pub batch_grad_norm: f64,
    pub signal: f64,
    pub expected_reward: f64,
    pub ref_reward: f64,
    pub rlhf_reward: f64,
    pub best_reward: f64,
    pub attainable_reward: f64,
    pub kl: f64,
    pub off_support_mass: f64,
    pub chosen_logp: f64,
    pub rejected_logp: f64,
    pub fixed_chosen_logp: f64,
    pub fixed_rejected_logp: f64,
    pub margin: f64,
    pub target_distance: f64,
    pub hessian_min: f64,
    pub hessian_max: f64,
    pub condition: f64,
    pub hessian_min_opt: f64,
    pub hessian_max_opt: f64,
    pub predicted_rate: f64,
    pub measured_rate: f64,
    pub chosen_reward: f64,
    pub reward_gap: f64,
}

/// One column of the table.
pub struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    pub short: &'static str,
    pub help: &'static str,
    pub format: Format,
    get: fn(&Metrics) -> f64,
}

impl Metric {
    /// The value for a reader, in this column's format.
    pub fn show(&self, v: f64) -> String {
        number(v, self.format)
    }
}

/// Number of columns.
pub const COUNT: usize = 28;

const SIG: Format = Format::Sig(3);

macro_rules! metric {
    ($key:ident, $label:expr, $short:expr, $format:expr, $help:expr) => {
        Metric {
            key: stringify!($key),
            label: $label,
            short: $short,
            help: $help,
            format: $format,
            get: |m| m.$key as f64,
        }
    };
}

/// The metrics table, in `metrics.csv` column order.
pub static METRICS: [Metric; COUNT] = [
    metric!(step, "Step", "step", Format::Int, "parameters after this many updates"),
    metric!(
        loss,
        "Loss L",
        "loss",
        SIG,
        "population DPO loss under the current sampler's exact pair law"
    ),
    metric!(
        batch_loss,
        "Minibatch loss",
        "loss (batch)",
        SIG,
        "DPO loss of the minibatch drawn at this step"
    ),
    metric!(
        grad_norm,
        "|∇L|",
        "|∇L| exact",
        SIG,
        "norm of the exact population gradient"
    ),
    metric!(
        batch_grad_norm,
        "|∇L| minibatch",
        "|∇L| minibatch",
        SIG,
        "norm of the minibatch gradient"
    ),
    metric!(
        signal,
        "Gradient signal",
        "signal: −∇L along ∇J",
        SIG,
        "component of −∇L along ∇J: how much a small step raises expected reward"
    ),
    metric!(
        expected_reward,
        "Expected reward J",
        "J = E_π[r]",
        SIG,
        "expected true reward of the policy"
    ),
    metric!(
        ref_reward,
        "Reference reward J_ref",
        "J_ref",
        SIG,
        "expected true reward of the reference policy"
    ),
    metric!(
        rlhf_reward,
        "RLHF optimum J*",
        "J* RLHF optimum (KL-regularised)",
        SIG,
        "expected reward of pi_ref exp(s r / beta) over all responses: a KL-regularised optimum, not a ceiling; \
         empty without a finite optimum"
    ),
    metric!(
        best_reward,
        "Best response's reward",
        "best response",
        SIG,
        "the largest true reward of any response: the ceiling"
    ),
    metric!(
        attainable_reward,
        "Attainable reward J_S",
        "J_S attainable (this sampler)",
        SIG,
        "expected reward at the current sampler's minimiser, the one gradient descent reaches from the current parameters: where DPO can end with this sampler"
    ),
    metric!(
        kl,
        "KL(π‖π_ref)",
        "KL(π‖π_ref)",
        SIG,
        "KL divergence of the policy from the reference"
    ),
    metric!(
        off_support_mass,
        "Mass off support",
        "mass off support",
        SIG,
        "policy probability on responses the sampler cannot emit"
    ),
    metric!(
        chosen_logp,
        "log π(chosen), current pairs",
        "chosen, current pairs",
        SIG,
        "mean log-probability of the chosen responses of the current sampler's pairs"
    ),
    metric!(
        rejected_logp,
        "log π(rejected), current pairs",
        "rejected, current pairs",
        SIG,
        "mean log-probability of the rejected responses of the current sampler's pairs"
    ),
    metric!(
        fixed_chosen_logp,
        "log π(chosen), step-0 pairs",
        "chosen, step-0 pairs",
        SIG,
        "mean log-probability of the chosen responses of the step-0 pair law (the offline dataset)"
    ),
    metric!(
        fixed_rejected_logp,
        "log π(rejected), step-0 pairs",
        "rejected, step-0 pairs",
        SIG,
        "mean log-probability of the rejected responses of the step-0 pair law (the offline dataset)"
    ),
    metric!(
        margin,
        "Mean margin",
        "margin",
        SIG,
        "population mean DPO margin beta (h(chosen) - h(rejected))"
    ),
    metric!(
        target_distance,
        "Distance to target",
        "‖θ − θ_S‖",
        SIG,
        "distance to the current sampler's minimiser theta_S; empty without a finite optimum"
    ),
    metric!(
        hessian_min,
        "Hessian λ_min",
        "λ_min(H)",
        SIG,
        "smallest Hessian eigenvalue at theta_t (tabular: on the support, orthogonal to 1_S; above 64 responses measured every ceil(m/64)^2 steps for a support of m, carried between)"
    ),
    metric!(
        hessian_max,
        "Hessian λ_max",
        "λ_max(H)",
        SIG,
        "largest Hessian eigenvalue at theta_t (tabular: on the support, orthogonal to 1_S; above 64 responses measured every ceil(m/64)^2 steps for a support of m, carried between)"
    ),
    metric!(
        condition,
        "Condition number",
        "λ_max/λ_min",
        SIG,
        "lambda_max / lambda_min of the Hessian at theta_t (empty where flat)"
    ),
    metric!(
        hessian_min_opt,
        "Hessian λ_min at θ_S",
        "λ_min(H*)",
        SIG,
        "smallest Hessian eigenvalue at the minimiser (tabular: on the support, orthogonal to 1_S)"
    ),
    metric!(
        hessian_max_opt,
        "Hessian λ_max at θ_S",
        "λ_max(H*)",
        SIG,
        "largest Hessian eigenvalue at the minimiser (tabular: on the support, orthogonal to 1_S)"
    ),
    metric!(
        predicted_rate,
        "Predicted rate",
        "predicted ρ",
        Format::Sig(4),
        "max |1 - eta lambda| over the Hessian's eigenvalues at the minimiser (within the span when flat): \
         exact gradient descent's distance shrinks by this factor per step near theta_S"
    ),
    metric!(
        measured_rate,
        "Measured rate",
        "measured ρ",
        Format::Sig(4),
        "the distance's shrink factor per step, geometric mean over the last 10 steps"
    ),
    metric!(
        chosen_reward,
        "Reward of chosen, current pairs",
        "r(chosen)",
        SIG,
        "mean true reward of the chosen responses of the current sampler's pairs: how good the responses DPO is shown as better are"
    ),
    metric!(
        reward_gap,
        "Reward gap of the pairs",
        "r(chosen) − r(rejected)",
        SIG,
        "mean true reward of the chosen minus the rejected responses of the current sampler's pairs: how far apart a pair is (near 0, its label is close to a coin flip)"
    ),
];

impl Metrics {
    pub fn values(&self) -> [f64; COUNT] {
        std::array::from_fn(|k| (METRICS[k].get)(self))
    }

    /// The value of one column by key.
    pub fn get(&self, key: &str) -> Option<f64> {
        METRICS.iter().find(|m| m.key == key).map(|m| (m.get)(self))
    }
}

/// The column keys, in order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|m| m.key)
}

/// Index of a column; panics on a key that is not a column (a typo in code).
pub fn column(key: &str) -> usize {
    METRICS
        .iter()
        .position(|m| m.key == key)
        .unwrap_or_else(|| panic!("no metrics column '{key}'"))
}

/// The CSV header line.
pub fn header() -> String {
    keys().collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_values_follow_the_table() {
        let mut seen: Vec<&str> = keys().collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), COUNT);
        let m = Metrics {
            step: 7,
            kl: 0.25,
            reward_gap: 0.5,
            ..Default::default()
        };
        let v = m.values();
        assert_eq!((v[0], v[column("kl")], v[COUNT - 1]), (7.0, 0.25, 0.5));
        assert_eq!(m.get("kl"), Some(0.25));
        assert_eq!(METRICS[column("kl")].show(-1e-17), "0");
    }
}
