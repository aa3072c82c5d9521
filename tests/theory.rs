//! What theory says DPO converges to, checked against long exact runs.

use dpo_sim::closed_form::{linear_target, rlhf_optimum, tabular_limit};
use dpo_sim::loss::population;
use dpo_sim::metrics::column;
use dpo_sim::numerics::norm;
use dpo_sim::numerics::sym2_eigenvalues;
use dpo_sim::pairs::{PairWeights, Preferences};
use dpo_sim::policy::scores;
use dpo_sim::sampler::Sampler;
use dpo_sim::settings::Model;
use dpo_sim::world::World;
use dpo_sim::{Settings, Simulation};

fn run(settings: &str, steps: u64) -> Simulation {
    let mut sim = Simulation::new(Settings::parse(settings).unwrap());
    sim.run(steps).unwrap();
    sim
}

/// Gradient descent under a sampler that stops moving (online, then offline from step 60)
/// converges to the tabular limit from where it was then: the logits off the support keep
/// their values, and the mean over the support is kept. The run's own θ_S says so from the
/// switch on.
#[test]
fn tabular_limit_from_the_current_parameters() {
    let mut sim = Simulation::new(
        Settings::parse("model=tabular&n=12&support=0.4&exact=1&lr=20&online=1&quality=0.5&refq=-0.5").unwrap(),
    );
    sim.run(60).unwrap();
    let mut offline = sim.settings().clone();
    offline.on_policy = 0.0;
    sim.set_settings(offline);
    let from = sim.theta().to_vec();
    let support = sim.state().sampler.in_support.clone();
    let limit = tabular_limit(sim.world(), sim.settings(), &support, &from);
    assert!(
        from.iter().zip(&support).any(|(t, inside)| !inside && t.abs() > 1e-3),
        "the online run moved logits now off the support"
    );
    let target = sim.state().optimum.as_ref().unwrap().theta.clone();
    assert_eq!(target, limit, "the run's minimiser is the limit from where it is");
    sim.run(20_000).unwrap();
    for (i, (t, l)) in sim.theta().iter().zip(&limit).enumerate() {
        assert!(
            (t - l).abs() < 1e-6,
            "response {i}: theta {t} vs the limit from step 60 {l}"
        );
    }
}

#[test]
fn tabular_limit_matches_closed_form_on_and_off_the_support() {
    let sim = run(
        "model=tabular&n=12&support=0.5&exact=1&lr=20&kappa=0.5&design=contrastive&quality=0.5",
        20_000,
    );
    let st = sim.state();
    let limit = tabular_limit(sim.world(), sim.settings(), &st.sampler.in_support, &[0.0; 12]);
    for (i, (t, l)) in sim.theta().iter().zip(&limit).enumerate() {
        if st.sampler.in_support[i] {
            assert!((t - l).abs() < 1e-6, "response {i}: theta {t} vs closed form {l}");
        } else {
            assert_eq!(*t, 0.0, "response {i} is outside the support and must keep logit 0");
        }
    }
    // On the support the policy is the RLHF optimum (reweighted reference), and the mass
    // outside the support is the reference's.
    let inside: f64 = (0..12).filter(|&i| st.sampler.in_support[i]).map(|i| st.probs[i]).sum();
    let star = rlhf_optimum(sim.world(), sim.settings(), &st.sampler.in_support);
    for i in (0..12).filter(|&i| st.sampler.in_support[i]) {
        assert!((st.probs[i] / inside - star[i]).abs() < 1e-6);
    }
    // Off the support the logits stay 0, so its mass is pi_ref's, diluted by how much
    // the support's mass grew: sum_S pi_ref exp(theta).
    let world = sim.world();
    let ref_outside: f64 = (0..12)
        .filter(|&i| !st.sampler.in_support[i])
        .map(|i| world.ref_logp[i].exp())
        .sum();
    let grown: f64 = (0..12)
        .filter(|&i| st.sampler.in_support[i])
        .map(|i| world.ref_logp[i].exp() * sim.theta()[i].exp())
        .sum();
    assert!((st.metrics.off_support_mass - ref_outside / (ref_outside + grown)).abs() < 1e-6);
}

#[test]
fn linear_model_recovers_theta_star_with_full_support() {
    for design in ["independent", "contrastive"] {
        let sim = run(&format!("design={design}&exact=1&lr=2&quality=0.3"), 3000);
        let target = linear_target(sim.world(), sim.settings());
        let d = ((sim.theta()[0] - target[0]).powi(2) + (sim.theta()[1] - target[1]).powi(2)).sqrt();
        assert!(d < 1e-6, "{design}: theta {:?} vs theta* {target:?}", sim.theta());
        assert!(sim.metrics().target_distance < 1e-6);
        assert!(sim.metrics().grad_norm < 1e-8);
    }
}

#[test]
fn linear_model_generalises_beyond_a_narrow_support() {
    // The tabular model stalls on a 30% support; the linear proxy still reaches theta*.
    let sim = run("design=contrastive&exact=1&lr=2&support=0.3&refq=-0.5", 3000);
    assert!(
        sim.metrics().target_distance < 1e-4,
        "{}",
        sim.metrics().target_distance
    );
    assert!(sim.metrics().off_support_mass > 0.5);
}

#[test]
fn collinear_support_leaves_a_flat_direction() {
    // Features on the line y = 0.5 x: the loss cannot see the direction (-0.5, 1)/|.|.
    let s = Settings::parse("n=8&quality=0.4").unwrap();
    let mut world = World::new(&s);
    for (i, phi) in world.features.iter_mut().enumerate() {
        let x = i as f64 * 0.4 - 1.4;
        *phi = [x, 0.5 * x];
    }
    let refp: Vec<f64> = world.ref_logp.iter().map(|l| l.exp()).collect();
    let weights = PairWeights::new(
        &world,
        &s,
        &Sampler::new(&world, &s, &refp),
        &Preferences::new(&world, &s),
        &[0.0; 8],
    );
    let at = |theta: [f64; 2]| {
        population(
            &world,
            Model::Linear,
            s.beta,
            &weights,
            &scores(&world, Model::Linear, &theta),
        )
    };
    let h = at([0.3, -0.2]).hessian.unwrap();
    let (lo, hi) = sym2_eigenvalues(h[0], h[1], h[2]);
    assert!(lo.abs() < 1e-12 && hi > 1e-3, "eigenvalues {lo} {hi}");
    let flat = [-0.5 / 1.25f64.sqrt(), 1.0 / 1.25f64.sqrt()];
    let base = at([0.3, -0.2]).loss;
    for t in [-5.0, 2.0, 40.0] {
        let moved = at([0.3 + t * flat[0], -0.2 + t * flat[1]]).loss;
        assert!((moved - base).abs() < 1e-12);
    }
}

#[test]
fn oracle_labels_have_no_finite_optimum_but_stay_finite() {
    for settings in [
        "labels=oracle&exact=1&lr=5",
        "design=bvw&k=8&exact=1&lr=5",
        "model=tabular&labels=oracle&lr=50",
    ] {
        let mut sim = Simulation::new(Settings::parse(settings).unwrap());
        sim.run(200).unwrap();
        let early = sim.metrics().margin;
        sim.run(20_000).unwrap();
        let m = sim.metrics();
        assert!(
            m.margin > early,
            "{settings}: the margin keeps growing ({early} -> {})",
            m.margin
        );
        assert!(m.values().iter().all(|v| !v.is_infinite()) && m.loss.is_finite() && m.loss < 0.05);
        assert!(m.target_distance.is_nan(), "no finite target to measure against");
    }
}

#[test]
fn same_seed_same_run() {
    let a = run("quality=0.5&support=0.5&online=0.5&seed=42", 100);
    let b = run("quality=0.5&support=0.5&online=0.5&seed=42", 100);
    let c = run("quality=0.5&support=0.5&online=0.5&seed=43", 100);
    assert_eq!(a.theta(), b.theta());
    assert_eq!(a.metrics(), b.metrics());
    assert_ne!(a.theta(), c.theta());
}

#[test]
fn live_settings_continue_and_world_settings_restart() {
    let mut sim = run("quality=0", 30);
    let theta = sim.theta().to_vec();
    let mut next = sim.settings().clone();
    next.quality = 1.0;
    assert!(!sim.set_settings(next.clone()));
    assert_eq!((sim.step_count(), sim.theta()), (30, theta.as_slice()));
    next.n = 20;
    assert!(sim.set_settings(next));
    assert_eq!(sim.step_count(), 0);
    assert_eq!(sim.world().n(), 20);
}

#[test]
fn huge_learning_rate_diverges_with_a_message() {
    let mut sim = Simulation::new(Settings::parse("lr=1000&beta=10&exact=1&scale=5").unwrap());
    let err = sim.run(100).unwrap_err();
    assert!(
        err.contains("diverged at step") && err.contains("learning rate"),
        "{err}"
    );
    assert_eq!(
        sim.step().unwrap_err(),
        err,
        "a diverged run refuses to step until reset"
    );
    sim.reset();
    assert_eq!(sim.step_count(), 0);
    assert!(sim.diverged().is_none());
}

#[test]
fn a_million_steps_keep_memory_bounded_and_numbers_finite() {
    let mut sim = Simulation::new(Settings::parse("n=4&batch=1&labels=oracle&lr=0.5").unwrap());
    sim.run(1_000_000).unwrap();
    let h = sim.history();
    assert!(h.len() <= dpo_sim::history::DEFAULT_CAPACITY);
    let steps: Vec<f64> = h.series(0).map(|(s, _)| s).collect();
    assert_eq!((steps[0], *steps.last().unwrap()), (0.0, 1_000_000.0));
    assert!(sim.metrics().values().iter().all(|v| !v.is_infinite()) && sim.metrics().loss.is_finite());
}

/// A learning rate gradient descent is stable with anywhere: 1 / (a bound on the largest
/// Hessian eigenvalue, beta^2/4 E_W|d|^2, since sigma(m) sigma(-m) <= 1/4).
fn safe_lr(sim: &Simulation) -> f64 {
    let (w, beta) = (sim.world(), sim.settings().beta);
    let bound: f64 = sim
        .state()
        .pairs
        .ordered()
        .map(|(i, j, p)| {
            let d = [w.features[i][0] - w.features[j][0], w.features[i][1] - w.features[j][1]];
            p * (d[0] * d[0] + d[1] * d[1])
        })
        .sum::<f64>()
        * beta
        * beta
        / 4.0;
    1.0 / bound
}

/// Exact gradient descent until within `tol` of the minimiser (or out of steps).
fn converge(settings: &str, tol: f64) -> Simulation {
    let mut sim = Simulation::new(Settings::parse(&format!("{settings}&exact=1")).unwrap());
    let mut s = sim.settings().clone();
    s.lr = safe_lr(&sim);
    sim.set_settings(s);
    for _ in 0..200 {
        sim.run(500).unwrap();
        if sim.metrics().target_distance < tol {
            break;
        }
    }
    sim
}

#[test]
fn newton_minimiser_is_where_long_exact_runs_end_under_misspecification() {
    for shape in ["noise", "concave"] {
        for gamma in ["0.5", "1"] {
            for extra in [
                "",
                "&support=0.4&design=independent",
                "&support=0.6&quality=0.7&kappa=2",
            ] {
                let settings = format!("n=24&gamma={gamma}&shape={shape}{extra}");
                let sim = converge(&settings, 1e-7);
                let st = sim.state();
                let target = st.optimum.as_ref().expect("a finite minimiser");
                let d = norm(&[sim.theta()[0] - target.theta[0], sim.theta()[1] - target.theta[1]]);
                assert!(d < 1e-6, "{settings}: the run ends {d} from Newton's minimiser");
                // There the exact gradient vanishes, and the run's reward is J_S.
                assert!(sim.metrics().grad_norm < 1e-8, "{settings}");
                assert!((sim.metrics().expected_reward - sim.metrics().attainable_reward).abs() < 1e-6);
                // With a concave reward the old closed form s u / beta is far from the minimiser.
                let naive = linear_target(sim.world(), sim.settings());
                let off = norm(&[naive[0] - target.theta[0], naive[1] - target.theta[1]]);
                assert!(shape == "noise" || off > 1.0, "{settings}: {off}");
            }
        }
    }
}

#[test]
fn hessian_at_the_minimiser_matches_finite_differences() {
    let sim = Simulation::new(Settings::parse("gamma=1&shape=concave&support=0.5&quality=0.4").unwrap());
    let st = sim.state();
    let o = st.optimum.as_ref().unwrap();
    let grad = |theta: [f64; 2]| {
        population(
            sim.world(),
            Model::Linear,
            sim.settings().beta,
            &st.pairs,
            &scores(sim.world(), Model::Linear, &theta),
        )
        .grad
    };
    let at = grad([o.theta[0], o.theta[1]]);
    assert!(norm(&at) < 1e-12, "the gradient vanishes at theta_S: {at:?}");
    let h = 1e-5;
    let mut fd = [[0.0; 2]; 2];
    for (b, column) in [[h, 0.0], [0.0, h]].iter().enumerate() {
        let plus = grad([o.theta[0] + column[0], o.theta[1] + column[1]]);
        let minus = grad([o.theta[0] - column[0], o.theta[1] - column[1]]);
        for a in 0..2 {
            fd[a][b] = (plus[a] - minus[a]) / (2.0 * h);
        }
    }
    let (lo, hi) = sym2_eigenvalues(fd[0][0], 0.5 * (fd[0][1] + fd[1][0]), fd[1][1]);
    let m = sim.metrics();
    assert!((lo - m.hessian_min_opt).abs() < 1e-8 && (hi - m.hessian_max_opt).abs() < 1e-8);
}

#[test]
fn attainable_reward_is_j_star_when_well_specified_and_the_stall_of_a_narrow_support() {
    // Well specified, spanning support: theta_S = s u / beta, whose policy is the RLHF optimum.
    for settings in ["", "support=0.3&refq=-0.5", "design=independent&quality=1"] {
        let m = Simulation::new(Settings::parse(settings).unwrap()).metrics().clone();
        assert!(
            (m.attainable_reward - m.rlhf_reward).abs() < 1e-9,
            "{settings}: {} vs {}",
            m.attainable_reward,
            m.rlhf_reward
        );
    }
    // The support scenario (tabular, 30% support) stalls exactly there.
    let preset = dpo_sim::presets::find("support").unwrap();
    let sim = run(&format!("{}&exact=1&lr=20", preset.settings), 20_000);
    let m = sim.metrics();
    assert!(
        (m.expected_reward - m.attainable_reward).abs() < 1e-6,
        "{} vs {}",
        m.expected_reward,
        m.attainable_reward
    );
    assert!(m.attainable_reward < m.rlhf_reward - 1.0);
}

#[test]
fn measured_rate_approaches_the_predicted_rate() {
    for settings in ["lr=2", "gamma=0.5&shape=concave&lr=5", "support=0.5&quality=1&lr=8"] {
        let mut sim = Simulation::new(Settings::parse(&format!("exact=1&{settings}")).unwrap());
        // Into the local regime, where the distance is still well above rounding.
        while sim.metrics().target_distance > 1e-4 {
            sim.step().unwrap();
        }
        sim.run(10).unwrap();
        let m = sim.metrics();
        assert!(
            (m.measured_rate - m.predicted_rate).abs() < 2e-3,
            "{settings}: measured {} vs predicted {}",
            m.measured_rate,
            m.predicted_rate
        );
    }
    // Beyond eta lambda_max = 2 the prediction is no convergence, and the run never
    // settles (bounded DPO gradients keep it from blowing up: it cycles).
    let mut sim = Simulation::new(Settings::parse("exact=1&beta=2&lr=20").unwrap());
    assert!(sim.metrics().predicted_rate > 1.0);
    sim.run(3000).unwrap();
    assert!(sim.metrics().target_distance > 1.0);
}

#[test]
fn quality_steepens_the_start_and_flattens_the_end() {
    // The study's landscape claim, measured: at theta_0 the curvature and the signal grow with quality;
    // at the minimiser the smallest eigenvalue falls, so the local rate gets slower.
    let at = |q: &str| {
        Simulation::new(Settings::parse(&format!("quality={q}&exact=1")).unwrap())
            .metrics()
            .clone()
    };
    let (low, high) = (at("0"), at("1"));
    assert!(high.hessian_max > 1.5 * low.hessian_max && high.signal > 1.5 * low.signal);
    assert!(high.hessian_min_opt < low.hessian_min_opt && high.predicted_rate > low.predicted_rate);
}

#[test]
fn fixed_dataset_logps_equal_current_ones_offline_and_show_displacement_online() {
    let mut offline = Simulation::new(Settings::parse("quality=0.5&support=0.5").unwrap());
    for _ in 0..50 {
        offline.step().unwrap();
        let m = offline.metrics();
        assert_eq!(
            (m.chosen_logp, m.rejected_logp),
            (m.fixed_chosen_logp, m.fixed_rejected_logp)
        );
    }
    let mut online = Simulation::new(Settings::parse("online=1&exact=1&lr=2").unwrap());
    let start = online.metrics().clone();
    online.run(300).unwrap();
    let m = online.metrics();
    // The current pairs' chosen responses gain probability while the step-0 dataset's lose it.
    assert!(m.chosen_logp > start.chosen_logp && m.fixed_chosen_logp < start.fixed_chosen_logp - 1.0);
}

#[test]
fn collinear_support_reaches_the_minimiser_on_its_line() {
    // Two responses in the support: their one difference spans a line.
    let sim = converge("support=0.01&gamma=0.5", 1e-9);
    let st = sim.state();
    let o = st.optimum.as_ref().unwrap();
    let v = o.valley.expect("flat across the line");
    assert!(sim.metrics().target_distance < 1e-8);
    // theta_S lies on the spanned line (orthogonal to the valley) and the loss is flat along the valley.
    assert!((o.theta[0] * v[0] + o.theta[1] * v[1]).abs() < 1e-9);
    assert!(sim.metrics().hessian_min_opt.abs() < 1e-12);
}

/// From a start θ₀ off the spanned line, descent keeps θ₀'s part along the valley: the run ends
/// at the minimiser nearest θ₀, which is where θ_S says it will, from step 0 on.
#[test]
fn collinear_support_from_a_start_reaches_the_minimiser_nearest_it() {
    let theta0 = [2.0, -3.0];
    let start = Simulation::new(Settings::parse("support=0.01&gamma=0.5&theta0=2,-3&exact=1").unwrap());
    let predicted = start.state().optimum.as_ref().unwrap().theta.clone();
    let sim = converge("support=0.01&gamma=0.5&theta0=2,-3", 1e-9);
    let o = sim.state().optimum.as_ref().unwrap();
    let v = o.valley.expect("flat across the line");
    assert!(sim.metrics().target_distance < 1e-8);
    let along = |t: &[f64]| t[0] * v[0] + t[1] * v[1];
    assert!((along(&o.theta) - along(&theta0)).abs() < 1e-9, "{:?}", o.theta);
    assert!(norm(&[predicted[0] - o.theta[0], predicted[1] - o.theta[1]]) < 1e-9);
    // Not the minimiser a run from 0 reaches: the start moved it along the valley.
    let from_zero = converge("support=0.01&gamma=0.5", 1e-9);
    let z = &from_zero.state().optimum.as_ref().unwrap().theta;
    assert!((along(z) - along(&o.theta)).abs() > 1.0);
}

/// With a spanning support the minimiser is one point: runs from different starts end there,
/// and a start far out (its loss in the hundreds) descends without being called diverged.
#[test]
fn a_spanning_support_ends_at_one_minimiser_from_any_start() {
    let ends: Vec<Vec<f64>> = ["", "&theta0=6,-4", "&theta0=-30,25"]
        .iter()
        .map(|start| {
            let sim = converge(&format!("gamma=0.5&shape=concave{start}"), 1e-9);
            sim.theta().to_vec()
        })
        .collect();
    for end in &ends[1..] {
        assert!(
            norm(&[end[0] - ends[0][0], end[1] - ends[0][1]]) < 1e-7,
            "{end:?} vs {:?}",
            ends[0]
        );
    }
    let far = Simulation::new(Settings::parse("theta0=-30,25&exact=1").unwrap());
    assert!(far.metrics().loss > 10.0, "{}", far.metrics().loss);
}

/// Mix-P weighs each pair by the inverse of the loss's curvature along it, with the policy's
/// own implicit reward: the tabular Hessian at θ_t is then isotropic on the support, at every
/// step and for any support, β, labels and starting reference, with the one eigenvalue
/// 2|S|β²/Z (Z the weights' normaliser over ordered pairs of different responses in S; each
/// unordered pair is drawn in both orders, then labelled).
#[test]
fn mix_p_makes_the_tabular_hessian_isotropic_with_its_closed_form_eigenvalue() {
    let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
    for text in [
        "model=tabular&design=mixp&exact=1&n=20&beta=3&lr=6&kappa=0",
        "model=tabular&design=mixp&exact=1&n=30&beta=0.5&support=0.4&refq=-0.5&lr=2",
        "model=tabular&design=mixp&exact=1&n=12&beta=8&labels=oracle&lr=0.5&seed=7",
    ] {
        let mut sim = Simulation::new(Settings::parse(text).unwrap());
        for step in 0..=30 {
            let (world, st, beta) = (sim.world(), sim.state(), sim.settings().beta);
            let support: Vec<usize> = (0..world.n()).filter(|&i| st.sampler.in_support[i]).collect();
            let h: Vec<f64> = st.log_probs.iter().zip(&world.ref_logp).map(|(p, r)| p - r).collect();
            let z: f64 = support
                .iter()
                .flat_map(|&i| support.iter().map(move |&j| (i, j)))
                .filter(|(i, j)| i != j)
                .map(|(i, j)| {
                    let d = beta * (h[i] - h[j]);
                    1.0 / (sigma(d) * sigma(-d))
                })
                .sum();
            let expected = 2.0 * support.len() as f64 * beta * beta / z;
            let m = sim.metrics();
            for (what, v) in [("λ_min", m.hessian_min), ("λ_max", m.hessian_max)] {
                assert!(
                    (v / expected - 1.0).abs() < 1e-10,
                    "{text}, step {step}: {what} = {v}, 2|S|β²/Z = {expected}"
                );
            }
            sim.step().unwrap();
        }
    }
}

/// The separation Shi, Zhou and Du prove, in the sampler-speed scenario's world: uniform pairs
/// shrink the distance to θ_S by their predicted linear rate each step, while Mix-P at η near
/// Newton's step is orders of magnitude closer after the same number of steps.
#[test]
fn mix_p_converges_far_faster_than_uniform_pairs() {
    let world = "n=20&kappa=0&scale=1&gamma=0&s=1&model=tabular&beta=3&lr=6&exact=1";
    let distances = |design: &str| -> (Vec<f64>, f64) {
        let sim = run(&format!("{world}&design={design}"), 12);
        let d = sim
            .history()
            .records()
            .iter()
            .map(|r| r.values[column("target_distance")])
            .collect();
        (d, sim.metrics().predicted_rate)
    };
    let (uniform, rate) = distances("independent");
    let (mixp, mixp_rate) = distances("mixp");
    assert!(rate > 0.2 && rate < 1.0, "uniform pairs converge linearly, at {rate}");
    for k in 4..12 {
        let shrink = uniform[k + 1] / uniform[k];
        assert!(
            (shrink - rate).abs() < 0.02,
            "step {k}: uniform shrinks by {shrink}, predicted {rate}"
        );
    }
    assert!(
        mixp_rate < rate / 4.0,
        "Mix-P's predicted rate {mixp_rate} against {rate}"
    );
    assert!(
        mixp[10] < 1e-6 * uniform[10],
        "after 10 steps: Mix-P {} against {}",
        mixp[10],
        uniform[10]
    );
}
