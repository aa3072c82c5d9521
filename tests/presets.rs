//! Each preset's story: its claims checked on its own runs, rejudged when a setting changes,
//! and the study's facts behind them asserted with numbers.

use dpo_sim::charts::Chart;
use dpo_sim::metrics::Metrics;
use dpo_sim::presets::{find, PRESETS};
use dpo_sim::session::Session;
use dpo_sim::{Settings, Simulation};

/// Runs a preset with extra settings on top; returns the metrics at each step.
fn trace(preset: &str, extra: &str, steps: u64) -> Vec<Metrics> {
    let mut settings = Settings::parse(find(preset).unwrap().settings).unwrap();
    settings.apply(extra).unwrap();
    let mut sim = Simulation::new(settings);
    let mut out = vec![sim.metrics().clone()];
    for _ in 0..steps {
        sim.step().unwrap();
        out.push(sim.metrics().clone());
    }
    out
}

/// A scenario's session played to its story's end, comparisons included, with `extra`
/// settings changed after it loaded (as a reader would move a control).
fn played(key: &str, extra: &str) -> Session {
    let mut session = Session::new(Settings::default());
    session.load_scenario(key).unwrap();
    if !extra.is_empty() {
        session.set(extra).unwrap();
    }
    session.step(find(key).unwrap().steps).unwrap();
    session.finish_pinned();
    session
}

#[test]
fn every_preset_parses_and_declares_its_experiment() {
    let charts: Vec<&str> = Chart::ALL.iter().map(|c| c.info().key).collect();
    for p in PRESETS {
        let settings = Settings::parse(p.settings).unwrap_or_else(|e| panic!("{}: {e}", p.key));
        assert!(!p.title.is_empty() && p.setup.len() > 40, "{}", p.key);
        assert!(
            p.summary.len() <= 110 && !p.summary.contains('\n'),
            "{}: a one-sentence summary",
            p.key
        );
        assert!(!p.claims.is_empty() && p.comparisons.len() <= 3, "{}", p.key);
        assert!(
            !p.plots.is_empty() && p.plots.iter().all(|k| charts.contains(k)),
            "{}",
            p.key
        );
        for c in p.comparisons {
            let mut s = settings.clone();
            s.apply(c.settings)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", p.key, c.label));
            if let Some((at, query)) = c.switch {
                assert!(at < p.steps, "{}: {} switches within the story", p.key, c.label);
                s.apply(query).unwrap();
            }
        }
    }
    assert!(find("nope").unwrap_err().contains("unknown preset 'nope'"));
}

/// Every claim of every scenario holds for the scenario's own settings, and the end message
/// says so with its numbers.
#[test]
fn every_scenario_proves_its_claims() {
    for p in PRESETS {
        let told = played(p.key, "").story().unwrap();
        assert!(told.done, "{}", p.key);
        for (claim, verdict) in p.claims.iter().zip(&told.claims) {
            assert_eq!(verdict.holds, Some(true), "{}: {}\n{}", p.key, claim.text, told.message);
            assert!(told.message.contains(claim.text), "{}", p.key);
        }
        assert!(
            told.message.starts_with(&format!("At step {}, J = ", p.steps)),
            "{}",
            told.message
        );
        assert!(!told.message.contains("instead of"), "{}: own settings", p.key);
    }
}

/// With a setting changed, the message names the change and says which claim no longer holds.
#[test]
fn changed_settings_are_named_and_claims_rejudged() {
    // (scenario, change, what the message must name, the claim that no longer holds)
    let cases = [
        ("support", "support=0.92", "support 0.92 instead of 0.3", 1),
        ("quality", "quality=0", "quality 0 instead of 1", 0),
        ("online", "online=0", "online 0 instead of 1", 1),
        ("best-of-k", "k=2", "k 2 instead of 8", 1),
        ("displacement", "support=1", "support 1 instead of 0.25", 2),
        ("proxy", "gamma=2", "gamma 2 instead of 0", 2),
        ("sweet-spot", "quality=1", "quality 1 instead of 0.25", 0),
        ("over-optimisation", "gamma=0", "gamma 0 instead of 0.3", 0),
        ("sampler-speed", "lr=1", "lr 1 instead of 6", 2),
        ("rare-best", "online=0", "online 0 instead of 1", 1),
    ];
    assert_eq!(cases.len(), PRESETS.len(), "a case for every scenario");
    for (key, change, named, fails) in cases {
        let told = played(key, change).story().unwrap();
        assert!(
            told.message.contains(&format!("With {named}")),
            "{key}: {}",
            told.message
        );
        assert_eq!(
            told.claims[fails].holds,
            Some(false),
            "{key} with {change}: {}",
            told.message
        );
        assert!(told.message.contains("✗ Not here: "), "{key}: {}", told.message);
    }
}

/// A start or a world that is not the scenario's is named too: an end message never passes off
/// a different run as the scenario's.
#[test]
fn a_changed_start_or_world_is_named() {
    let told = played("proxy", "theta0=-2,3").story().unwrap();
    assert!(
        told.message.contains("With theta0 -2,3 instead of 0,0:"),
        "{}",
        told.message
    );
    let told = played("rare-best", "rewards=3,1,0,-1,-2,-3").story().unwrap();
    assert!(
        told.message.contains("With rewards 3,1,0,-1,-2,-3 instead of helpful,"),
        "{}",
        told.message
    );
}

#[test]
fn support_limits_what_dpo_can_learn() {
    let narrow = trace("support", "", 400);
    let full = trace("support", "support=1", 400);
    let (n, f) = (narrow.last().unwrap(), full.last().unwrap());
    assert!(
        n.expected_reward < n.rlhf_reward - 1.0,
        "narrow support stalls: J {} vs J* {}",
        n.expected_reward,
        n.rlhf_reward
    );
    assert!(
        f.expected_reward > f.rlhf_reward - 0.1,
        "full support reaches J*: {} vs {}",
        f.expected_reward,
        f.rlhf_reward
    );
    // The stall is not slowness: the last 100 steps of the narrow run barely move, at J_S.
    assert!((narrow[300].expected_reward - n.expected_reward).abs() < 0.1);
    assert!((n.expected_reward - n.attainable_reward).abs() < 0.15 && n.attainable_reward < n.rlhf_reward - 1.0);
    assert!(
        (f.attainable_reward - f.rlhf_reward).abs() < 1e-9,
        "full support: J_S = J*"
    );
    // The linear proxy on the same narrow support generalises.
    let proxy = trace("support", "model=linear&lr=1", 400);
    assert!(proxy.last().unwrap().expected_reward > n.rlhf_reward - 0.1);
}

#[test]
fn quality_amplifies_the_gradient_signal() {
    for extra in ["", "exact=1"] {
        let high = trace("quality", extra, 50);
        let low = trace("quality", &format!("quality=0&{extra}"), 50);
        assert!(
            high[0].signal > 1.2 * low[0].signal,
            "{extra}: signal {} vs {}",
            high[0].signal,
            low[0].signal
        );
        assert!(
            high[50].expected_reward > low[50].expected_reward + 0.8,
            "{extra}: J after 50 steps {} vs {}",
            high[50].expected_reward,
            low[50].expected_reward
        );
    }
    // Same support, same J_S; and J passes J*, which is not a ceiling.
    let (high, low) = (trace("quality", "", 100), trace("quality", "quality=0", 100));
    assert_eq!(high[0].attainable_reward, low[0].attainable_reward);
    assert!(high.iter().any(|m| m.expected_reward > m.rlhf_reward + 0.02));
    // The optimum does not depend on quality: both converge to the same population loss minimiser.
    let high = trace("quality", "exact=1&model=linear&lr=2", 2000);
    let low = trace("quality", "exact=1&model=linear&lr=2&quality=0", 2000);
    assert!(high[2000].target_distance < 1e-4 && low[2000].target_distance < 1e-4);
}

#[test]
fn online_dpo_raises_its_own_sampling_quality() {
    let online = trace("online", "", 300);
    let offline = trace("online", "online=0", 300);
    assert!(
        online[300].expected_reward > offline[300].expected_reward + 0.8,
        "{} vs {}",
        online[300].expected_reward,
        offline[300].expected_reward
    );
    assert!(online[300].expected_reward > online[300].rlhf_reward - 0.2);
    // Offline stalls: no progress over the last 150 steps.
    assert!((offline[300].expected_reward - offline[150].expected_reward).abs() < 0.15);
    // Online, where this step's sampler lets DPO end rises with it; the step-0 pairs' chosen
    // responses lose probability while the current pairs' gain it.
    assert!(online[300].attainable_reward > online[0].attainable_reward + 1.0);
    assert!(online[300].fixed_chosen_logp < online[0].fixed_chosen_logp - 1.0);
    assert!(online[300].chosen_logp > online[0].chosen_logp + 1.0);
}

#[test]
fn best_of_k_amplifies_early_signal_and_has_no_finite_optimum() {
    let k8 = trace("best-of-k", "", 300);
    let k2 = trace("best-of-k", "k=2", 300);
    assert!(
        k8[0].signal > 2.0 * k2[0].signal,
        "{} vs {}",
        k8[0].signal,
        k2[0].signal
    );
    assert!(k8[10].expected_reward > k2[10].expected_reward + 0.1);
    assert!(k8[300].margin > k8[100].margin && k8[100].margin > k8[10].margin);
    assert!(k8[300].loss < 0.05 && k8[300].target_distance.is_nan());
    assert!(k8[300].attainable_reward.is_nan() && k8[300].rlhf_reward.is_nan() && k8[300].best_reward.is_finite());
}

#[test]
fn likelihood_displacement_tabular_versus_linear_proxy() {
    for preset in ["displacement", "proxy"] {
        let t = trace(preset, "", 300);
        assert!(t[300].margin > 1.0, "{preset}: the margin grows");
        assert!(
            t[300].chosen_logp < t[0].chosen_logp - 0.5,
            "{preset}: chosen log-prob falls"
        );
        assert!(
            t[300].rejected_logp < t[0].rejected_logp - 2.0,
            "{preset}: rejected falls too"
        );
    }
    let tab = trace("displacement", "", 300);
    let lin = trace("proxy", "", 300);
    assert!(
        tab[300].off_support_mass < 0.05,
        "tabular: the mass stays inside the support"
    );
    assert!(
        lin[300].off_support_mass > 0.6,
        "linear: the mass moves outside the support"
    );
    assert!(
        lin[300].expected_reward > lin[300].rlhf_reward - 0.1,
        "... to better responses"
    );
    assert!(tab[300].expected_reward < lin[300].expected_reward - 1.0);
}

#[test]
fn independent_design_has_a_quality_sweet_spot() {
    for extra in ["", "exact=1"] {
        let j = |q: f64| trace("sweet-spot", &format!("quality={q}&{extra}"), 50)[50].expected_reward;
        let (none, sweet, full) = (j(0.0), j(0.25), j(1.0));
        assert!(
            sweet > none + 0.5 && sweet > full + 0.5,
            "{extra}: J(50) at q=0 {none}, 0.25 {sweet}, 1 {full}"
        );
    }
    let signal = |q: f64| trace("sweet-spot", &format!("quality={q}"), 0)[0].signal;
    assert!(
        signal(1.0) < 0.3 * signal(0.0),
        "the signal at step 0 falls to about a quarter"
    );
}

#[test]
fn misspecified_proxy_over_optimises() {
    let t = trace("over-optimisation", "", 300);
    let (peak_step, peak) = t
        .iter()
        .enumerate()
        .map(|(k, m)| (k, m.expected_reward))
        .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
    assert!((40..200).contains(&peak_step), "peak at step {peak_step}");
    assert!(peak > t[0].expected_reward + 2.0, "rises");
    assert!(
        t[300].expected_reward < peak - 0.5,
        "then falls: {} vs peak {peak}",
        t[300].expected_reward
    );
    assert!(t[300].loss < t[peak_step].loss, "while the DPO loss keeps improving");
    // ... toward J_S, well below the peak, in a bowl whose bottom is nearly flat.
    let end = &t[300];
    assert!(peak > end.attainable_reward + 1.0 && end.expected_reward > end.attainable_reward);
    assert!((0.99..1.0).contains(&end.predicted_rate), "{}", end.predicted_rate);
}
