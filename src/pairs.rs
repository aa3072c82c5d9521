//! Pair designs: the exact pair distribution W(i, j) (chosen i, rejected j) and the
//! generative process that draws minibatch pairs from it.

use crate::numerics::sigmoid;
use crate::rng::{cumulative, Rng};
use crate::sampler::Sampler;
use crate::settings::{Design, Labels, Settings};
use crate::world::World;

/// Two different responses i < j with the probability of each labelled order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub i: usize,
    pub j: usize,
    /// W(i, j): i chosen, j rejected.
    pub w_ij: f64,
    /// W(j, i): j chosen, i rejected.
    pub w_ji: f64,
}

/// The exact distribution of (chosen, rejected) pairs, renormalised over distinct
/// responses. Each unordered pair appears once (the loss of both orders shares one
/// exp and one log); pairs of zero probability are left out.
#[derive(Clone, Debug)]
pub struct PairWeights {
    pub n: usize,
    pub pairs: Vec<Pair>,
    /// Probability that a draw gives two different responses (before renormalising).
    pub distinct: f64,
    /// P(response i is the chosen one) and P(it is the rejected one): the marginals of W,
    /// so averages over pairs of per-response values cost O(N).
    pub chosen: Vec<f64>,
    pub rejected: Vec<f64>,
}

/// P(i preferred to j) under the labeller, for every ordered pair: fixed for a world,
/// a label kind and a sharpness, so a run computes it once instead of every step.
#[derive(Clone, Debug)]
pub struct Preferences {
    n: usize,
    labels: Labels,
    sharpness: f64,
    p: Vec<f64>,
}

impl Preferences {
    pub fn new(world: &World, s: &Settings) -> Preferences {
        let n = world.n();
        let mut p = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let gap = world.reward[i] - world.reward[j];
                p.push(match s.labels {
                    Labels::BradleyTerry => sigmoid(s.sharpness * gap),
                    Labels::Oracle if gap > 0.0 => 1.0,
                    Labels::Oracle if gap < 0.0 => 0.0,
                    Labels::Oracle => 0.5,
                });
            }
        }
        Preferences {
            n,
            labels: s.labels,
            sharpness: s.sharpness,
            p,
        }
    }

    /// Were these computed for the labeller of `s`?
    pub fn fits(&self, s: &Settings) -> bool {
        self.labels == s.labels && self.sharpness == s.sharpness && self.n == s.n
    }

    /// P(i preferred to j).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.p[i * self.n + j]
    }
}

/// The support's members from worst to best reward (ties by index): the order in which
/// best-vs-worst picks its pair.
fn by_reward(world: &World, sampler: &Sampler) -> Vec<usize> {
    let mut order = sampler.members.clone();
    order.sort_by(|&a, &b| world.reward[a].total_cmp(&world.reward[b]).then(a.cmp(&b)));
    order
}

impl PairWeights {
    pub fn new(world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences) -> PairWeights {
        let m = sampler.members.len();
        let mut pairs = Vec::with_capacity(m * (m - 1) / 2);
        let mut push = |a: usize, b: usize, w_ab: f64, w_ba: f64| {
            if w_ab > 0.0 || w_ba > 0.0 {
                let (i, j, w_ij, w_ji) = if a < b { (a, b, w_ab, w_ba) } else { (b, a, w_ba, w_ab) };
                pairs.push(Pair { i, j, w_ij, w_ji });
            }
        };
        match s.design {
            Design::Independent | Design::Contrastive => {
                let (q, p0) = (&sampler.piq, &sampler.pi0);
                for (k, &a) in sampler.members.iter().enumerate() {
                    for &b in &sampler.members[k + 1..] {
                        // Probability that the two candidates are a and b, in either order.
                        let both = match s.design {
                            Design::Independent => 2.0 * q[a] * q[b],
                            _ => q[a] * p0[b] + p0[a] * q[b],
                        };
                        let p = prefs.get(a, b);
                        push(a, b, both * p, both * (1.0 - p));
                    }
                }
            }
            Design::BestVsWorst => {
                let order = by_reward(world, sampler);
                let mut prefix = vec![0.0];
                for &i in &order {
                    prefix.push(prefix.last().unwrap() + sampler.piq[i]);
                }
                // Mass of positions lo..=hi, and its K-th power: all K draws fall there.
                let k = s.k as i32;
                let all_in = |lo: usize, hi: isize| -> f64 {
                    if (lo as isize) > hi {
                        0.0
                    } else {
                        (prefix[hi as usize + 1] - prefix[lo]).max(0.0).powi(k)
                    }
                };
                for (b, &worst) in order.iter().enumerate() {
                    for (a, &best) in order.iter().enumerate().skip(b + 1) {
                        let a = a as isize;
                        // Inclusion-exclusion: min exactly at b and max exactly at a.
                        let w = all_in(b, a) - all_in(b + 1, a) - all_in(b, a - 1) + all_in(b + 1, a - 1);
                        push(best, worst, w.max(0.0), 0.0);
                    }
                }
            }
        }
        let total: f64 = pairs.iter().map(|p| p.w_ij + p.w_ji).sum();
        let n = world.n();
        let (mut chosen, mut rejected) = (vec![0.0; n], vec![0.0; n]);
        if total > 0.0 {
            for p in &mut pairs {
                p.w_ij /= total;
                p.w_ji /= total;
                chosen[p.i] += p.w_ij;
                rejected[p.j] += p.w_ij;
                chosen[p.j] += p.w_ji;
                rejected[p.i] += p.w_ji;
            }
        }
        PairWeights {
            n,
            pairs,
            distinct: total,
            chosen,
            rejected,
        }
    }

    /// Every labelled pair (chosen, rejected, probability) with positive probability.
    pub fn ordered(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.pairs
            .iter()
            .flat_map(|p| [(p.i, p.j, p.w_ij), (p.j, p.i, p.w_ji)])
            .filter(|t| t.2 > 0.0)
    }

    /// The N x N matrix, chosen by row, rejected by column.
    pub fn dense(&self) -> Vec<Vec<f64>> {
        let mut m = vec![vec![0.0; self.n]; self.n];
        for (c, r, w) in self.ordered() {
            m[c][r] = w;
        }
        m
    }
}

/// Draws minibatch pairs by running the generative process: candidates, then the label.
pub struct PairSampler<'a> {
    world: &'a World,
    settings: &'a Settings,
    prefs: &'a Preferences,
    cum_q: Vec<f64>,
    cum_0: Vec<f64>,
    weights: &'a PairWeights,
}

/// Draws of identical candidates are redrawn. When a distinct pair is rarer than this,
/// redrawing would take too long, and pairs come straight from W, which is the same law.
const MIN_DISTINCT: f64 = 1e-3;

impl<'a> PairSampler<'a> {
    pub fn new(
        world: &'a World,
        settings: &'a Settings,
        prefs: &'a Preferences,
        sampler: &Sampler,
        weights: &'a PairWeights,
    ) -> PairSampler<'a> {
        let (mut cum_q, mut cum_0) = (Vec::new(), Vec::new());
        cumulative(&sampler.piq, &mut cum_q);
        cumulative(&sampler.pi0, &mut cum_0);
        PairSampler {
            world,
            settings,
            prefs,
            cum_q,
            cum_0,
            weights,
        }
    }

    /// `n` labelled pairs (chosen, rejected); fewer (none) when the sampler cannot emit
    /// two different responses.
    pub fn draw_batch(&self, n: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
        if self.weights.pairs.is_empty() {
            return Vec::new();
        }
        if self.weights.distinct >= MIN_DISTINCT {
            return (0..n).map(|_| self.draw(rng)).collect();
        }
        let mut cum_pairs = Vec::new();
        let w: Vec<f64> = self.weights.pairs.iter().map(|p| p.w_ij + p.w_ji).collect();
        cumulative(&w, &mut cum_pairs);
        (0..n)
            .map(|_| {
                let p = self.weights.pairs[rng.categorical(&cum_pairs)];
                if rng.uniform() * (p.w_ij + p.w_ji) < p.w_ij {
                    (p.i, p.j)
                } else {
                    (p.j, p.i)
                }
            })
            .collect()
    }

    /// One labelled pair by the generative process, redrawing identical candidates.
    fn draw(&self, rng: &mut Rng) -> (usize, usize) {
        loop {
            if let Some(pair) = self.try_draw(rng) {
                return pair;
            }
        }
    }

    fn try_draw(&self, rng: &mut Rng) -> Option<(usize, usize)> {
        let reward = &self.world.reward;
        match self.settings.design {
            Design::Independent | Design::Contrastive => {
                let a = rng.categorical(&self.cum_q);
                let other = if self.settings.design == Design::Independent {
                    &self.cum_q
                } else {
                    &self.cum_0
                };
                let b = rng.categorical(other);
                if a == b {
                    return None;
                }
                let a_wins = rng.uniform() < self.prefs.get(a, b);
                Some(if a_wins { (a, b) } else { (b, a) })
            }
            Design::BestVsWorst => {
                let better = |x: usize, y: usize| reward[x].total_cmp(&reward[y]).then(x.cmp(&y)).is_gt();
                let first = rng.categorical(&self.cum_q);
                let (mut best, mut worst) = (first, first);
                for _ in 1..self.settings.k {
                    let d = rng.categorical(&self.cum_q);
                    if better(d, best) {
                        best = d;
                    }
                    if better(worst, d) {
                        worst = d;
                    }
                }
                (best != worst).then_some((best, worst))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(text: &str) -> (World, Settings, Sampler) {
        let s = Settings::parse(text).unwrap();
        let w = World::new(&s);
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let sm = Sampler::new(&w, &s, &refp);
        (w, s, sm)
    }

    const DESIGNS: [&str; 6] = [
        "design=independent&quality=0.5",
        "design=contrastive&quality=0.7",
        "design=bvw&k=4&quality=0.3",
        "design=independent&labels=oracle",
        "design=contrastive&quality=1&labels=oracle&support=0.5",
        "design=bvw&k=2&support=0.6",
    ];

    #[test]
    fn weights_sum_to_one_and_skip_identical_pairs() {
        for d in DESIGNS {
            let (w, s, sm) = setup(&format!("n=10&kappa=1.5&{d}"));
            let pw = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s));
            let total: f64 = pw.ordered().map(|p| p.2).sum();
            assert!((total - 1.0).abs() < 1e-12, "{d}: {total}");
            let dense = pw.dense();
            for i in 0..10 {
                let row: f64 = dense[i].iter().sum();
                let column: f64 = dense.iter().map(|r| r[i]).sum();
                assert!((row - pw.chosen[i]).abs() < 1e-14 && (column - pw.rejected[i]).abs() < 1e-14);
            }
            assert!(pw
                .ordered()
                .all(|(c, r, _)| c != r && sm.in_support[c] && sm.in_support[r]));
        }
    }

    #[test]
    fn contrastive_equals_independent_at_zero_quality() {
        let (w, s, sm) = setup("n=9&design=independent");
        let (_, c, _) = setup("n=9&design=contrastive");
        let a = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s)).dense();
        let b = PairWeights::new(&w, &c, &sm, &Preferences::new(&w, &c)).dense();
        for (ra, rb) in a.iter().zip(&b) {
            for (x, y) in ra.iter().zip(rb) {
                assert!((x - y).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn best_vs_worst_of_two_is_independent_with_oracle_labels() {
        // With K = 2 the better of two independent draws wins: the oracle-labelled independent design.
        let (w, s, sm) = setup("n=8&design=bvw&k=2&quality=0.4");
        let (_, o, _) = setup("n=8&design=independent&labels=oracle&quality=0.4");
        let a = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s)).dense();
        let b = PairWeights::new(&w, &o, &sm, &Preferences::new(&w, &o)).dense();
        for (ra, rb) in a.iter().zip(&b) {
            for (x, y) in ra.iter().zip(rb) {
                assert!((x - y).abs() < 1e-14);
            }
        }
    }

    /// The generative process draws pairs at the frequencies W predicts. With 200,000
    /// draws a cell of probability p has standard error sqrt(p (1 - p) / 200000) <= 0.0012;
    /// every cell must lie within 5 standard errors (plus 1e-4 for rounding) of W.
    #[test]
    fn generative_frequencies_match_exact_weights() {
        for d in DESIGNS {
            let (w, s, sm) = setup(&format!("n=7&kappa=1&seed=4&{d}"));
            let prefs = Preferences::new(&w, &s);
            let pw = PairWeights::new(&w, &s, &sm, &prefs);
            let ps = PairSampler::new(&w, &s, &prefs, &sm, &pw);
            let mut rng = Rng::new(99, 1);
            let draws = 200_000;
            let mut counts = vec![vec![0usize; 7]; 7];
            for (c, r) in ps.draw_batch(draws, &mut rng) {
                counts[c][r] += 1;
            }
            let exact = pw.dense();
            for c in 0..7 {
                for r in 0..7 {
                    let p = exact[c][r];
                    let f = counts[c][r] as f64 / draws as f64;
                    let se = (p * (1.0 - p) / draws as f64).sqrt();
                    assert!((f - p).abs() <= 5.0 * se + 1e-4, "{d}: W({c},{r}) = {p}, frequency {f}");
                }
            }
        }
    }

    #[test]
    fn concentrated_sampler_still_draws_distinct_pairs() {
        let (w, s, sm) = setup("n=6&support=0.01&quality=1&kappa=10&scale=5&design=independent");
        let prefs = Preferences::new(&w, &s);
        let pw = PairWeights::new(&w, &s, &sm, &prefs);
        let ps = PairSampler::new(&w, &s, &prefs, &sm, &pw);
        let mut rng = Rng::new(1, 1);
        let batch = ps.draw_batch(100, &mut rng);
        assert_eq!(batch.len(), 100);
        assert!(batch.iter().all(|(c, r)| c != r));
    }
}
