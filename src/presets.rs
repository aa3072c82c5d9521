//! Named scenarios, each a small experiment that tells one finding of the study: its settings
//! and length, the runs it compares the live run with, the plots that carry its evidence, and
//! its claims, each a predicate over the runs that names the numbers it reads ([`crate::story`]
//! judges them and writes the end message).

use crate::numerics::{exp, ln};
use crate::story::{Claim, Comparison, Quantity, Read, Run};

/// A scenario: settings on top of the defaults, what it compares, and what it claims.
#[derive(Debug)]
pub struct Preset {
    pub key: &'static str,
    pub title: &'static str,
    /// Its finding in one sentence: an embed's caption, talk mode's line.
    pub summary: &'static str,
    /// How the experiment is set up (what is run; not itself a claim).
    pub setup: &'static str,
    /// `key=value&...` applied to the defaults.
    pub settings: &'static str,
    /// Steps after which the story has played out and its claims are judged.
    pub steps: u64,
    /// The plots that carry its evidence, first: what embeds, talk mode and elements show
    /// when the address names none.
    pub plots: &'static [&'static str],
    /// What the legend calls the live run beside the comparisons.
    pub label: &'static str,
    pub comparisons: &'static [Comparison],
    pub claims: &'static [Claim],
}

impl Preset {
    /// The whole story: the setup, then each claim.
    pub fn story(&self) -> String {
        let mut out = self.setup.to_string();
        for claim in self.claims {
            out.push(' ');
            out.push_str(claim.text);
            out.push('.');
        }
        out
    }
}

const J: &str = "expected_reward";
const J_S: &str = "attainable_reward";
const J_STAR: &str = "rlhf_reward";
const DISTANCE: &str = "target_distance";

const fn read(label: &'static str, run: Run, quantity: Quantity) -> Read {
    Read { label, run, quantity }
}

const fn compare(label: &'static str, settings: &'static str) -> Comparison {
    Comparison {
        label,
        settings,
        switch: None,
    }
}

/// x^y for positive x, with this crate's exp and ln (the same bits in wasm).
fn powf(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

/// Within `d` of each other.
fn near(a: f64, b: f64, d: f64) -> bool {
    (a - b).abs() < d
}

/// The rare-best scenario's world: six named answers (name, reward, no features, the
/// reference's logit), the reference favouring verbose and rarely writing helpful.
const RARE_BEST_SETTINGS: &str = "model=tabular&design=contrastive&quality=0.5&lr=5&online=1&\
    world=helpful,2,,,-3;concise,1,,,0;verbose,0.5,,,2;hedging,0,,,1;refusal,-1,,,0.5;off-topic,-2,,,-1";

/// The same answers with the reference's logits of helpful and verbose swapped: helpful common.
macro_rules! likes_helpful {
    () => {
        "world=helpful,2,,,2;concise,1,,,0;verbose,0.5,,,-3;hedging,0,,,1;refusal,-1,,,0.5;off-topic,-2,,,-1"
    };
}
const LIKES_HELPFUL: &str = likes_helpful!();

pub static PRESETS: &[Preset] = &[
    Preset {
        key: "support",
        title: "Support limits what DPO can learn",
        summary: "A narrow support: DPO ends where the support lets it (J_S), far below J*.",
        setup: "The sampler only emits the 30% of responses the reference likes most, and this reference \
                prefers worse responses; a tabular policy learns from its pairs. Pinned beside it: the same \
                run with every response in the support, and the linear proxy on the narrow support.",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=0.5&lr=5&support=0.3",
        steps: 400,
        plots: &["reward", "landscape"],
        label: "support 0.3",
        comparisons: &[
            compare("support 1", "support=1"),
            compare("linear proxy", "model=linear&lr=1"),
        ],
        claims: &[
            Claim {
                text: "J rises past J_S, the reward where this support lets DPO end, and ends within 0.1 of it \
                       (minibatch noise keeps the policy jittering around the minimiser)",
                otherwise: "J does not end near J_S",
                reads: &[
                    read("peak J", Run::Live, Quantity::Peak(J)),
                    read("J", Run::Live, Quantity::End(J)),
                    read("J_S", Run::Live, Quantity::End(J_S)),
                ],
                holds: |v| v[0] > v[2] && near(v[1], v[2], 0.1),
            },
            Claim {
                text: "J stalls far below J*, more than 1 below: responses outside the support never receive a \
                       gradient",
                otherwise: "the narrow-support stall does not appear",
                reads: &[
                    read("J", Run::Live, Quantity::End(J)),
                    read("J*", Run::Live, Quantity::End(J_STAR)),
                ],
                holds: |v| v[1] - v[0] > 1.0,
            },
            Claim {
                text: "With every response in the support J reaches J* instead (within 0.1)",
                otherwise: "the full support does not reach J*",
                reads: &[
                    read("J with support 1", Run::Compared(0), Quantity::End(J)),
                    read("J*", Run::Compared(0), Quantity::End(J_STAR)),
                ],
                holds: |v| near(v[0], v[1], 0.1),
            },
            Claim {
                text: "The linear proxy on the same narrow support generalises beyond it: its J also comes within \
                       0.1 of J*",
                otherwise: "the linear proxy does not reach J* from this support",
                reads: &[
                    read("J of the proxy", Run::Compared(1), Quantity::End(J)),
                    read("J*", Run::Compared(1), Quantity::End(J_STAR)),
                ],
                holds: |v| near(v[0], v[1], 0.1),
            },
        ],
    },
    Preset {
        key: "quality",
        title: "Quality amplifies the gradient signal",
        summary: "More high-quality responses: a larger gradient signal and a faster climb to the same J_S.",
        setup: "Contrastive pairs, one side drawn at quality 1, for a tabular policy; pinned beside it, the same \
                run at quality 0.",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=1&lr=5",
        steps: 100,
        plots: &["signal", "reward"],
        label: "quality 1",
        comparisons: &[compare("quality 0", "quality=0")],
        claims: &[
            Claim {
                text: "The gradient signal (the part of −∇L that raises expected reward) starts more than 1.2 times \
                       larger than at quality 0",
                otherwise: "the signal does not start larger than at quality 0",
                reads: &[
                    read("signal at step 0", Run::Live, Quantity::At("signal", 0)),
                    read("at quality 0", Run::Compared(0), Quantity::At("signal", 0)),
                ],
                holds: |v| v[0] > 1.2 * v[1],
            },
            Claim {
                text: "After 50 steps expected reward is more than 0.5 higher than at quality 0",
                otherwise: "expected reward after 50 steps is not far above quality 0's",
                reads: &[
                    read("J at step 50", Run::Live, Quantity::At(J, 50)),
                    read("at quality 0", Run::Compared(0), Quantity::At(J, 50)),
                ],
                holds: |v| v[0] - v[1] > 0.5,
            },
            Claim {
                text: "Both runs share one J_S: quality changes the path, not where DPO can end",
                otherwise: "the two runs can end in different places",
                reads: &[
                    read("J_S", Run::Live, Quantity::End(J_S)),
                    read("at quality 0", Run::Compared(0), Quantity::End(J_S)),
                ],
                holds: |v| near(v[0], v[1], 1e-9),
            },
            Claim {
                text: "J passes J* on the way: J* is a KL-regularised optimum, not a ceiling",
                otherwise: "J stays below J*",
                reads: &[
                    read("peak J", Run::Live, Quantity::Peak(J)),
                    read("J*", Run::Live, Quantity::End(J_STAR)),
                ],
                holds: |v| v[0] > v[1],
            },
        ],
    },
    Preset {
        key: "online",
        title: "Online DPO raises its own sampling quality",
        summary: "Sampling from the improving policy moves the support, and J_S rises with it.",
        setup: "A narrow support (25%) from a reference that prefers worse responses, sampled online (on-policy \
                fraction 1) by a tabular policy. Pinned beside it: the same run offline (fraction 0), and one \
                set offline at step 150.",
        settings: "model=tabular&design=contrastive&refq=-0.5&support=0.25&quality=0.5&lr=5&online=1",
        steps: 300,
        plots: &["reward", "curves"],
        label: "online",
        comparisons: &[
            compare("offline", "online=0"),
            Comparison {
                label: "offline from step 150",
                settings: "",
                switch: Some((150, "online=0")),
            },
        ],
        claims: &[
            Claim {
                text: "Offline the run stalls at its J_S (within 0.1)",
                otherwise: "the offline run does not stall at its J_S",
                reads: &[
                    read("offline J", Run::Compared(0), Quantity::End(J)),
                    read("its J_S", Run::Compared(0), Quantity::End(J_S)),
                ],
                holds: |v| near(v[0], v[1], 0.1),
            },
            Claim {
                text: "Online the sampler follows the improving policy, so the support moves toward better \
                       responses and J_S, where this step's sampler lets DPO end, rises by more than 1",
                otherwise: "J_S does not rise with the policy",
                reads: &[
                    read("J_S at step 0", Run::Live, Quantity::At(J_S, 0)),
                    read("at the end", Run::Live, Quantity::End(J_S)),
                ],
                holds: |v| v[1] - v[0] > 1.0,
            },
            Claim {
                text: "Online J ends more than 1 above offline J: the study's argument for online DPO",
                otherwise: "online J does not end far above offline J",
                reads: &[
                    read("J online", Run::Live, Quantity::End(J)),
                    read("offline", Run::Compared(0), Quantity::End(J)),
                ],
                holds: |v| v[0] - v[1] > 1.0,
            },
            Claim {
                text: "On the step-0 pairs the chosen responses lose probability, while the current pairs' chosen \
                       gain it",
                otherwise: "the step-0 and current pairs do not part ways",
                reads: &[
                    read(
                        "log π(chosen), step-0 pairs, at step 0",
                        Run::Live,
                        Quantity::At("fixed_chosen_logp", 0),
                    ),
                    read("at the end", Run::Live, Quantity::End("fixed_chosen_logp")),
                    read("current pairs at the end", Run::Live, Quantity::End("chosen_logp")),
                ],
                holds: |v| v[1] < v[0] && v[2] > v[0],
            },
            Claim {
                text: "Set offline at step 150, the run falls back: by step 300 J drops by more than 0.3, most of \
                       the way to the J_S its offline sampler allows from where the run was then",
                otherwise: "going offline at step 150 does not undo the progress",
                reads: &[
                    read("J at step 150", Run::Compared(1), Quantity::At(J, 150)),
                    read("at the end", Run::Compared(1), Quantity::End(J)),
                    read("its J_S", Run::Compared(1), Quantity::End(J_S)),
                ],
                holds: |v| v[0] - v[1] > 0.3 && v[1] > v[2] && v[1] - v[2] < v[0] - v[1],
            },
        ],
    },
    Preset {
        key: "best-of-k",
        title: "Best-of-K: quality by selection",
        summary: "Best vs worst of K: larger K leads early, then its easy margins saturate and K = 2 overtakes.",
        setup: "Each pair is the best and the worst of K samples, for the linear proxy: K = 8 here, K = 2 and \
                K = 32 pinned. The labels are deterministic, so there is no finite optimum and no J_S; the \
                reference line is the best response's reward.",
        settings: "model=linear&design=bvw&k=8&refq=-0.5&lr=1",
        steps: 300,
        plots: &["reward", "signal"],
        label: "K = 8",
        comparisons: &[compare("K = 2", "k=2"), compare("K = 32", "k=32")],
        claims: &[
            Claim {
                text: "The initial gradient signal grows with K: larger K chooses high-quality responses more often",
                otherwise: "the initial signal does not grow with K",
                reads: &[
                    read("signal at step 0, K = 2", Run::Compared(0), Quantity::At("signal", 0)),
                    read("K = 8", Run::Live, Quantity::At("signal", 0)),
                    read("K = 32", Run::Compared(1), Quantity::At("signal", 0)),
                ],
                holds: |v| v[0] < v[1] && v[1] < v[2],
            },
            Claim {
                text: "Early progress is faster with larger K: after 5 steps J is higher at K = 8 than at K = 2",
                otherwise: "K = 8 is not ahead of K = 2 after 5 steps",
                reads: &[
                    read("J at step 5, K = 8", Run::Live, Quantity::At(J, 5)),
                    read("K = 2", Run::Compared(0), Quantity::At(J, 5)),
                ],
                holds: |v| v[0] > v[1],
            },
            Claim {
                text: "Then larger K's easy margins saturate: the margin keeps growing, the loss tends to 0 and the \
                       steps shrink, so K = 2 overtakes K = 8 and ends ahead",
                otherwise: "K = 2 does not overtake K = 8",
                reads: &[
                    read(
                        "K = 2 ahead from step",
                        Run::Compared(0),
                        Quantity::Overtakes(J, Run::Live),
                    ),
                    read("J at the end, K = 2", Run::Compared(0), Quantity::End(J)),
                    read("K = 8", Run::Live, Quantity::End(J)),
                    read("margin at step 100, K = 8", Run::Live, Quantity::At("margin", 100)),
                    read("at the end", Run::Live, Quantity::End("margin")),
                ],
                holds: |v| v[0].is_finite() && v[1] > v[2] && v[4] > v[3],
            },
        ],
    },
    Preset {
        key: "displacement",
        title: "Likelihood displacement (tabular)",
        summary: "Chosen responses lose probability while the margin grows; the mass stays inside the support.",
        setup: "Independent pairs from a concentrated reference on a 25% support, for a tabular policy; pinned \
                beside it, the linear proxy on the same pairs.",
        settings: "model=tabular&design=independent&support=0.25&kappa=3&refq=-0.5&lr=5",
        steps: 300,
        plots: &["curves", "reward"],
        label: "tabular",
        comparisons: &[compare("linear proxy", "model=linear&lr=1")],
        claims: &[
            Claim {
                text: "The mean margin grows while the chosen responses of the pairs lose probability, and the \
                       rejected ones lose more: likelihood displacement",
                otherwise: "no likelihood displacement here",
                reads: &[
                    read("margin", Run::Live, Quantity::End("margin")),
                    read(
                        "log π(chosen) at step 0",
                        Run::Live,
                        Quantity::At("fixed_chosen_logp", 0),
                    ),
                    read("at the end", Run::Live, Quantity::End("fixed_chosen_logp")),
                    read(
                        "log π(rejected) at step 0",
                        Run::Live,
                        Quantity::At("fixed_rejected_logp", 0),
                    ),
                    read("at the end", Run::Live, Quantity::End("fixed_rejected_logp")),
                ],
                holds: |v| v[0] > 0.5 && v[2] < v[1] && v[4] < v[3],
            },
            Claim {
                text: "The tabular policy keeps the freed mass inside the support: the mass off it stays below 0.05",
                otherwise: "mass leaves the support",
                reads: &[read("mass off support", Run::Live, Quantity::End("off_support_mass"))],
                holds: |v| v[0] < 0.05,
            },
            Claim {
                text: "It piles onto the best responses there: J rises to J_S (within 0.1), the most this support \
                       allows",
                otherwise: "J does not reach J_S",
                reads: &[
                    read("J", Run::Live, Quantity::End(J)),
                    read("J_S", Run::Live, Quantity::End(J_S)),
                ],
                holds: |v| near(v[0], v[1], 0.1),
            },
        ],
    },
    Preset {
        key: "proxy",
        title: "The linear proxy: displacement that helps",
        summary: "The linear proxy moves the freed mass to better responses the sampler never showed.",
        setup: "The data of the displacement scenario, for the linear alignment model; pinned beside it, the \
                tabular policy on the same pairs.",
        settings: "model=linear&design=independent&support=0.25&kappa=3&refq=-0.5&lr=1",
        steps: 300,
        plots: &["curves", "reward"],
        label: "linear proxy",
        comparisons: &[compare("tabular", "model=tabular&lr=5")],
        claims: &[
            Claim {
                text: "The chosen responses lose probability here too",
                otherwise: "the chosen responses do not lose probability",
                reads: &[
                    read(
                        "log π(chosen) at step 0",
                        Run::Live,
                        Quantity::At("fixed_chosen_logp", 0),
                    ),
                    read("at the end", Run::Live, Quantity::End("fixed_chosen_logp")),
                ],
                holds: |v| v[1] < v[0],
            },
            Claim {
                text: "But the freed mass moves outside the support, to better responses the sampler never showed: \
                       more than half of it ends off the support",
                otherwise: "the mass stays inside the support",
                reads: &[read("mass off support", Run::Live, Quantity::End("off_support_mass"))],
                holds: |v| v[0] > 0.5,
            },
            Claim {
                text: "Expected reward climbs to J* (within 0.1): the proxy generalises along the reward direction",
                otherwise: "J does not reach J*",
                reads: &[
                    read("J", Run::Live, Quantity::End(J)),
                    read("J*", Run::Live, Quantity::End(J_STAR)),
                ],
                holds: |v| near(v[0], v[1], 0.1),
            },
            Claim {
                text: "On the same pairs the tabular policy ends more than 1 lower, at its J_S: it can only move mass \
                       within the support",
                otherwise: "the tabular policy does as well",
                reads: &[
                    read("J", Run::Live, Quantity::End(J)),
                    read("tabular J", Run::Compared(0), Quantity::End(J)),
                ],
                holds: |v| v[0] - v[1] > 1.0,
            },
        ],
    },
    Preset {
        key: "sweet-spot",
        title: "Where more quality stops helping",
        summary: "Independent pairs: a little quality helps, too much makes the two sides alike.",
        setup: "Independent pairs, both candidates drawn from the tilted sampler, for a tabular policy: quality \
                0.25 here, 0 and 1 pinned.",
        settings: "model=tabular&design=independent&refq=-0.5&lr=5&quality=0.25",
        steps: 100,
        plots: &["reward", "signal"],
        label: "quality 0.25",
        comparisons: &[compare("quality 0", "quality=0"), compare("quality 1", "quality=1")],
        claims: &[
            Claim {
                text: "After 50 steps expected reward is highest at quality 0.25, above both 0 and 1",
                otherwise: "quality 0.25 is not the best of the three after 50 steps",
                reads: &[
                    read("J at step 50, quality 0.25", Run::Live, Quantity::At(J, 50)),
                    read("0", Run::Compared(0), Quantity::At(J, 50)),
                    read("1", Run::Compared(1), Quantity::At(J, 50)),
                ],
                holds: |v| v[0] > v[1] && v[0] > v[2],
            },
            Claim {
                text: "Quality brings better responses into the pairs: the chosen responses' mean reward rises with it",
                otherwise: "the chosen responses do not get better with quality",
                reads: &[
                    read(
                        "reward of chosen, quality 0",
                        Run::Compared(0),
                        Quantity::At("chosen_reward", 0),
                    ),
                    read("0.25", Run::Live, Quantity::At("chosen_reward", 0)),
                    read("1", Run::Compared(1), Quantity::At("chosen_reward", 0)),
                ],
                holds: |v| v[0] < v[1] && v[1] < v[2],
            },
            Claim {
                text: "But at quality 1 both candidates crowd onto the same few best responses: the reward gap \
                       within a pair is less than two thirds of quality 0.25's, so its label is closer to a coin flip \
                       and DPO learns less from it",
                otherwise: "quality 1 does not narrow the pairs",
                reads: &[
                    read("reward gap, quality 0.25", Run::Live, Quantity::At("reward_gap", 0)),
                    read("1", Run::Compared(1), Quantity::At("reward_gap", 0)),
                ],
                holds: |v| v[1] < v[0] * 2.0 / 3.0,
            },
            Claim {
                text: "The gradient signal at step 0 falls as quality rises: it measures one step, and misses the \
                       better responses quality brings into play",
                otherwise: "the step-0 signal does not fall with quality",
                reads: &[
                    read(
                        "signal at step 0, quality 0",
                        Run::Compared(0),
                        Quantity::At("signal", 0),
                    ),
                    read("0.25", Run::Live, Quantity::At("signal", 0)),
                    read("1", Run::Compared(1), Quantity::At("signal", 0)),
                ],
                holds: |v| v[0] > v[1] && v[1] > v[2],
            },
        ],
    },
    Preset {
        key: "over-optimisation",
        title: "Reward hacking in miniature",
        summary: "A concave reward the proxy cannot represent: true reward peaks, then falls as the loss improves.",
        setup: "The true reward is concave (extreme responses are bad), which the linear proxy cannot represent; \
                it trains with exact gradients on a narrow support. Pinned beside it: the same run with a \
                linear reward (γ = 0).",
        settings: "model=linear&gamma=0.3&shape=concave&design=contrastive&support=0.25&kappa=2&scale=1.3&exact=1",
        steps: 300,
        plots: &["reward", "convergence"],
        label: "concave reward",
        comparisons: &[compare("linear reward", "gamma=0")],
        claims: &[
            Claim {
                text: "Expected true reward rises, peaks, then falls by more than 0.5: the proxy extrapolates \
                       toward extreme responses",
                otherwise: "expected reward does not peak and fall",
                reads: &[
                    read("peak J", Run::Live, Quantity::Peak(J)),
                    read("at step", Run::Live, Quantity::PeakStep(J)),
                    read("J at the end", Run::Live, Quantity::End(J)),
                ],
                holds: |v| v[0] - v[2] > 0.5,
            },
            Claim {
                text: "Meanwhile the DPO loss keeps improving: lower at the end than at step 100",
                otherwise: "the loss does not keep improving",
                reads: &[
                    read("loss at step 100", Run::Live, Quantity::At("loss", 100)),
                    read("at the end", Run::Live, Quantity::End("loss")),
                ],
                holds: |v| v[1] < v[0],
            },
            Claim {
                text: "J falls toward J_S, the reward at the minimiser of this loss",
                otherwise: "J does not head for J_S",
                reads: &[
                    read("J", Run::Live, Quantity::End(J)),
                    read("J_S", Run::Live, Quantity::End(J_S)),
                    read("peak J", Run::Live, Quantity::Peak(J)),
                ],
                holds: |v| v[1] < v[0] && v[0] < v[2],
            },
            Claim {
                text: "With a linear reward the same run does not turn back: J ends within 0.1 of its peak",
                otherwise: "the linear reward turns back too",
                reads: &[
                    read("peak J, linear reward", Run::Compared(0), Quantity::Peak(J)),
                    read("J at the end", Run::Compared(0), Quantity::End(J)),
                ],
                holds: |v| v[0] - v[1] < 0.1,
            },
        ],
    },
    Preset {
        key: "sampler-speed",
        title: "The sampler decides how fast",
        summary: "Uniform pairs converge linearly; Mix-P's pairs undo the loss's curvature and converge far faster.",
        setup: "After Shi, Zhou and Du (ICLR 2025): 20 responses with seeded normal rewards, a uniform reference, \
                a tabular policy and exact gradients (β = 3, labels σ(r_i − r_j), η = 6: near Mix-P's Newton \
                step Z / (2|S|β²) here, where the paper's η = 10 would make uniform pairs diverge). Mix-P draws \
                pairs by the policy's implicit reward; pinned beside it, uniform pairs and Mix-R, which draws by \
                the true reward.",
        settings: "n=20&kappa=0&scale=1&gamma=0&s=1&model=tabular&beta=3&lr=6&exact=1&design=mixp",
        steps: 60,
        plots: &["convergence", "reward"],
        label: "Mix-P",
        comparisons: &[
            compare("uniform pairs", "design=independent"),
            compare("Mix-R", "design=mixr"),
        ],
        claims: &[
            Claim {
                text: "Uniform pairs converge linearly: from step 5 to step 10 their distance to θ_S shrinks by the \
                       rate the curvature at θ_S predicts, max |1 − ηλ|, each step (within 0.02)",
                otherwise: "uniform pairs do not converge at the predicted linear rate",
                reads: &[
                    read(
                        "distance at step 5, uniform",
                        Run::Compared(0),
                        Quantity::At(DISTANCE, 5),
                    ),
                    read("at step 10", Run::Compared(0), Quantity::At(DISTANCE, 10)),
                    read("predicted rate", Run::Compared(0), Quantity::End("predicted_rate")),
                ],
                holds: |v| (powf(v[1] / v[0], 0.2) - v[2]).abs() < 0.02 && v[2] < 1.0,
            },
            Claim {
                text: "Mix-P weighs each pair by the inverse of the loss's curvature along it, so at θ_S the \
                       Hessian is isotropic on the support: its smallest and largest eigenvalues agree",
                otherwise: "the Hessian at θ_S is not isotropic",
                reads: &[
                    read("λ_min at θ_S", Run::Live, Quantity::End("hessian_min_opt")),
                    read("λ_max", Run::Live, Quantity::End("hessian_max_opt")),
                ],
                holds: |v| (v[1] / v[0] - 1.0).abs() < 1e-9,
            },
            Claim {
                text: "With η near its Newton step the distance collapses: after 5 steps it is more than 100 times \
                       smaller than with uniform pairs",
                otherwise: "Mix-P is not far ahead of uniform pairs after 5 steps",
                reads: &[
                    read("distance at step 5, Mix-P", Run::Live, Quantity::At(DISTANCE, 5)),
                    read("uniform", Run::Compared(0), Quantity::At(DISTANCE, 5)),
                ],
                holds: |v| 100.0 * v[0] < v[1],
            },
            Claim {
                text: "Mix-R weighs pairs by the true reward, not the policy: far from θ_S it starts slower than \
                       Mix-P, and at θ_S, where the policy's implicit reward matches it, their curvatures agree",
                otherwise: "Mix-R does not start slower and end alike",
                reads: &[
                    read("distance at step 2, Mix-R", Run::Compared(1), Quantity::At(DISTANCE, 2)),
                    read("Mix-P", Run::Live, Quantity::At(DISTANCE, 2)),
                    read("λ at θ_S, Mix-R", Run::Compared(1), Quantity::End("hessian_max_opt")),
                    read("Mix-P", Run::Live, Quantity::End("hessian_max_opt")),
                ],
                holds: |v| v[0] > 10.0 * v[1] && (v[2] / v[3] - 1.0).abs() < 1e-9,
            },
        ],
    },
    Preset {
        key: "rare-best",
        title: "On-policy data finds the answer the reference rarely writes",
        summary: "The reference rarely writes the best answer: offline pairs seldom show it, online ones soon do.",
        setup: "Six named answers to one prompt: helpful (reward 2) is the best, but the reference writes it \
                0.4% of the time and prefers verbose (reward 0.5, 56%). Contrastive pairs, one side drawn at \
                quality 0.5, for a tabular policy sampled online (on-policy fraction 1). Pinned beside it: the \
                same run offline, and both again with a reference that prefers helpful. After Tajwar et al. \
                (2024), Preference Fine-Tuning of LLMs Should Leverage Suboptimal, On-Policy Data.",
        settings: RARE_BEST_SETTINGS,
        steps: 150,
        plots: &["reward", "map"],
        label: "online",
        comparisons: &[
            compare("offline", "online=0"),
            compare("reference likes helpful, online", LIKES_HELPFUL),
            Comparison {
                label: "reference likes helpful, offline",
                settings: concat!(likes_helpful!(), "&online=0"),
                switch: None,
            },
        ],
        claims: &[
            Claim {
                text: "Online, the pairs soon hold better answers: after 50 steps the chosen answers' mean reward is \
                       more than 0.5 above offline's",
                otherwise: "online pairs do not hold better answers after 50 steps",
                reads: &[
                    read(
                        "reward of chosen at step 50, online",
                        Run::Live,
                        Quantity::At("chosen_reward", 50),
                    ),
                    read("offline", Run::Compared(0), Quantity::At("chosen_reward", 50)),
                ],
                holds: |v| v[0] - v[1] > 0.5,
            },
            Claim {
                text: "So online J ends more than 0.3 above offline J",
                otherwise: "online J does not end far above offline J",
                reads: &[
                    read("J online", Run::Live, Quantity::End(J)),
                    read("offline", Run::Compared(0), Quantity::End(J)),
                ],
                holds: |v| v[0] - v[1] > 0.3,
            },
            Claim {
                text: "On-policy sampling matters most where the reward's peak is rare under the reference: with a \
                       reference that prefers helpful, online gains at least 0.3 less over offline",
                otherwise: "online gains as much where the reference prefers the best answer",
                reads: &[
                    read("J online", Run::Live, Quantity::End(J)),
                    read("offline", Run::Compared(0), Quantity::End(J)),
                    read("reference likes helpful, online", Run::Compared(1), Quantity::End(J)),
                    read("offline", Run::Compared(2), Quantity::End(J)),
                ],
                holds: |v| (v[0] - v[1]) - (v[2] - v[3]) > 0.3,
            },
            Claim {
                text: "Offline is slower, not limited: every answer is in the support, both runs share one J_S, and \
                       offline J ends more than 0.3 below it",
                otherwise: "offline is not merely slower here",
                reads: &[
                    read("J_S online", Run::Live, Quantity::End(J_S)),
                    read("offline", Run::Compared(0), Quantity::End(J_S)),
                    read("offline J", Run::Compared(0), Quantity::End(J)),
                ],
                holds: |v| near(v[0], v[1], 1e-6) && v[1] - v[2] > 0.3,
            },
        ],
    },
];

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
