//! Named scenarios, each telling one story of the study.

/// A scenario: settings on top of the defaults, and what to watch.
#[derive(Debug)]
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

pub static PRESETS: &[Preset] = &[
    Preset {
        key: "support",
        title: "Support limits what DPO can learn",
        story: "The sampler only emits the 30% of responses the reference likes most, and this reference prefers \
                worse responses. The tabular policy learns the RLHF optimum on that support and nothing else: \
                responses outside it never receive a gradient, so expected reward stalls far below J*. Set support \
                to 1 and it reaches J*; switch the model to linear and the proxy generalises beyond the support.",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=0.5&lr=5&support=0.3",
        steps: 400,
    },
    Preset {
        key: "quality",
        title: "Quality amplifies the gradient signal",
        story: "Contrastive pairs with one side drawn at high quality. Compare quality 1 with quality 0: the \
                gradient signal (the part of -grad L that raises expected reward) starts larger, and expected \
                reward after 50 steps is far higher. Same data support, same optimum, a faster path.",
        settings: "model=tabular&design=contrastive&refq=-0.5&quality=1&lr=5",
        steps: 100,
    },
    Preset {
        key: "online",
        title: "Online DPO raises its own sampling quality",
        story: "A narrow support (25%) from a reference that prefers worse responses. Offline (on-policy fraction \
                0) the run stalls. Online (fraction 1) the sampler follows the improving policy, so the support \
                moves toward better responses and the sampled pairs get better as training proceeds: the \
                study's argument for online DPO. Set the fraction to 0 mid-run and watch progress stop.",
        settings: "model=tabular&design=contrastive&refq=-0.5&support=0.25&quality=0.5&lr=5&online=1",
        steps: 300,
    },
    Preset {
        key: "best-of-k",
        title: "Best-of-K: quality by selection",
        story: "Each pair is the best and the worst of K samples. Larger K means more frequent high-quality \
                chosen responses: the initial gradient signal grows with K and early progress is faster. The \
                labels are deterministic, so there is no finite optimum: the margin grows without bound and the \
                loss tends to 0 while the steps shrink. Compare K = 2 with K = 8.",
        settings: "model=linear&design=bvw&k=8&refq=-0.5&lr=1",
        steps: 300,
    },
    Preset {
        key: "displacement",
        title: "Likelihood displacement (tabular)",
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
        story: "With independent pairs both candidates come from the tilted sampler. A little quality helps; too \
                much makes the two candidates alike, their preference close to a coin flip, and the signal \
                weak. Expected reward after 50 steps peaks near quality 0.25: compare 0, 0.25 and 1.",
        settings: "model=tabular&design=independent&refq=-0.5&lr=5&quality=0.25",
        steps: 100,
    },
    Preset {
        key: "over-optimisation",
        title: "Reward hacking in miniature",
        story: "The true reward is concave (extreme responses are bad), which the linear proxy cannot represent. \
                Trained on a narrow support it extrapolates toward extreme responses: expected true reward rises, \
                peaks near step 100, then falls while the DPO loss keeps improving.",
        settings: "model=linear&gamma=0.3&shape=concave&design=contrastive&support=0.25&kappa=2&scale=1.3&exact=1",
        steps: 300,
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
