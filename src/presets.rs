//! Named scenarios, each telling one story of the study.

/// A scenario: settings on top of the defaults, and what to watch.
#[derive(Debug)]
pub struct Preset {
    pub key: &'static str,
    pub title: &'static str,
    /// The story in one line, for an embed's caption.
    pub summary: &'static str,
    /// What to watch, and why (plain text).
    pub story: &'static str,
    /// `key=value&...` applied to the defaults.
    pub settings: &'static str,
    /// Steps after which the story has played out.
    pub steps: u64,
}

pub static PRESETS: &[Preset] = &[
    Preset {
        key: "support",
        title: "Support limits what DPO can learn",
        summary: "A narrow support: DPO stalls where this support lets it end (J_S), far below J*.",
        story: "The sampler only emits the 30% of responses the reference likes most, and this reference prefers \
                worse responses. The tabular policy learns the RLHF optimum on that support and nothing else: \
                responses outside it never receive a gradient, so expected reward stalls at J_S, where DPO can end \
                with this support (the dotted line), far below J*. Set support to 1 and J_S rises to J*; switch \
                the model to linear and the proxy generalises beyond the support.",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=0.5&lr=5&support=0.3",
        steps: 400,
    },
    Preset {
        key: "quality",
        title: "Quality amplifies the gradient signal",
        summary: "More high-quality responses: a larger gradient signal and a faster climb to the same J_S.",
        story: "Contrastive pairs with one side drawn at high quality. Compare quality 1 with quality 0: the \
                gradient signal (the part of -grad L that raises expected reward) starts larger, and expected \
                reward after 50 steps is far higher. Same support, so the same J_S: quality changes the path, not \
                where it ends. (J passes J* on the way: J* is a KL-regularised optimum, not a ceiling.)",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=1&lr=5",
        steps: 100,
    },
    Preset {
        key: "online",
        title: "Online DPO raises its own sampling quality",
        summary: "Sampling from the improving policy moves the support, and J_S rises with it.",
        story: "A narrow support (25%) from a reference that prefers worse responses. Offline (on-policy fraction \
                0) the run stalls at J_S. Online (fraction 1) the sampler follows the improving policy, so the \
                support moves toward better responses and J_S, where this step's sampler lets DPO end, rises with \
                it: the study's argument for online DPO. On the step-0 pairs the chosen responses lose probability \
                while the current pairs' gain it. Set the fraction to 0 mid-run and watch progress stop.",
        settings: "model=tabular&design=contrastive&refq=-0.5&support=0.25&quality=0.5&lr=5&online=1",
        steps: 300,
    },
    Preset {
        key: "best-of-k",
        title: "Best-of-K: quality by selection",
        summary: "Best vs worst of K: a stronger start, and margins that grow without bound.",
        story: "Each pair is the best and the worst of K samples. Larger K means more frequent high-quality \
                chosen responses: the initial gradient signal grows with K and early progress is faster. The \
                labels are deterministic, so there is no finite optimum (no target, no J_S): the margin grows \
                without bound and the loss tends to 0 while the steps shrink. The reference line is the best \
                response's reward. Compare K = 2 with K = 8.",
        settings: "model=linear&design=bvw&k=8&refq=-0.5&lr=1",
        steps: 300,
    },
    Preset {
        key: "displacement",
        title: "Likelihood displacement (tabular)",
        summary: "Chosen responses lose probability while the margin grows; the mass stays inside the support.",
        story: "Independent pairs from a concentrated reference on a 25% support. The margin grows while the mean \
                log-probability of chosen responses falls: both chosen and rejected lose probability. In the \
                tabular model the freed mass stays inside the support (off-support mass stays near 0), \
                piling onto the few best responses there.",
        settings: "model=tabular&design=independent&support=0.25&kappa=3&refq=-0.5&lr=5",
        steps: 300,
    },
    Preset {
        key: "proxy",
        title: "The linear proxy: displacement that helps",
        summary: "The linear proxy moves the freed mass to better responses the sampler never showed.",
        story: "The same data as the displacement preset, with the linear alignment model. Chosen responses lose \
                probability again, but the mass moves outside the support to better responses the sampler never \
                showed: off-support mass rises toward 0.8 and expected reward climbs to J*. The proxy \
                generalises along the reward direction instead of displacing harmfully.",
        settings: "model=linear&design=independent&support=0.25&kappa=3&refq=-0.5&lr=1",
        steps: 300,
    },
    Preset {
        key: "sweet-spot",
        title: "Where more quality stops helping",
        summary: "Independent pairs: a little quality helps, too much makes the two sides alike.",
        story: "With independent pairs both candidates come from the tilted sampler. Expected reward after 50 \
                steps peaks near quality 0.25; beyond it more quality hurts: the two candidates crowd onto the same \
                few responses, their preference is close to a coin flip, and the signal at step 0 falls to a \
                quarter of its value at quality 0. Compare 0, 0.25 and 1, or sweep the quality.",
        settings: "model=tabular&design=independent&refq=-0.5&lr=5&quality=0.25",
        steps: 100,
    },
    Preset {
        key: "over-optimisation",
        title: "Reward hacking in miniature",
        summary: "A concave reward the proxy cannot represent: true reward peaks, then falls as the loss improves.",
        story: "The true reward is concave (extreme responses are bad), which the linear proxy cannot represent. \
                Trained on a narrow support it extrapolates toward extreme responses: expected true reward rises, \
                peaks near step 100, then falls toward J_S, the reward at the minimiser, while the DPO loss keeps \
                improving. The minimiser is not s u / beta here: the star marks where this loss is lowest, \
                in a bowl so flat near the bottom that exact descent closes only 0.3% of the gap per step.",
        settings: "model=linear&gamma=0.3&shape=concave&design=contrastive&support=0.25&kappa=2&scale=1.3&exact=1",
        steps: 300,
    },
    Preset {
        key: "sampler-speed",
        title: "The sampler decides how fast",
        summary: "Uniform pairs converge linearly; Mix-P's pairs undo the loss's curvature and converge far faster.",
        story: "20 responses with seeded normal rewards, a uniform reference, a tabular policy and exact \
                gradients (beta = 3, eta = 6, labels sigma(r_i - r_j)), after Shi, Zhou and Du (ICLR 2025). With uniform pairs \
                (design independent) the distance to theta_S shrinks by a constant factor per step, the \
                predicted rate. Mix-P weighs each pair by the inverse of the loss's curvature along it, \
                1 / (sigma(beta dh) sigma(-beta dh)): the tabular Hessian becomes isotropic, \
                (2|S| beta^2 / Z)(I - 11^T / |S|), so eta = Z / (2|S| beta^2) is Newton's step, and near \
                theta_S the distance collapses within a few steps. Compare design mixp with independent \
                and mixr on the convergence plot's log scale.",
        settings: "n=20&kappa=0&scale=1&gamma=0&s=1&model=tabular&beta=3&lr=6&exact=1&design=mixp",
        steps: 60,
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
