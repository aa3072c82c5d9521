//! Pair designs: the exact pair distribution W(i, j) (chosen i, rejected j) and the
//! generative process that draws minibatch pairs from it.

use crate::numerics::{powi, sigmoid, sort_by_value};
use crate::rng::{cumulative, Rng};
use crate::sampler::Sampler;
use crate::settings::{Design, Labels, Settings};
use crate::simd::{self, lane_sum, lane_sum2, Kernel, LANES, PAD};
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

/// Every unordered pair of the support as a struct of arrays: row k holds member k (the
/// lower response index) against members k + 1, k + 2, ... (each row padded with zero
/// weights to a multiple of [`PAD`]). Pairs of zero probability stay in the table (they
/// add nothing) but are not counted or listed.
#[derive(Clone, Debug, Default)]
pub struct PairList {
    /// The support's responses in increasing index: position -> response.
    pub members: Vec<usize>,
    /// Start of row k in `fwd` and `bwd`; `rows[m]` is the table's length.
    pub rows: Vec<usize>,
    /// Row k, column c: W(i, j) with i = members[k], j = members[k + 1 + c], before
    /// normalising (times `scale` it is the probability).
    pub fwd: Vec<f64>,
    /// ... and W(j, i).
    pub bwd: Vec<f64>,
    /// The sum of all weights in the table (0 without pairs), and its reciprocal (0 then).
    pub total: f64,
    pub scale: f64,
    count: usize,
}

impl PairList {
    /// Pairs with positive probability.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The pairs with positive probability, i < j.
    pub fn iter(&self) -> impl Iterator<Item = Pair> + '_ {
        let m = self.members.len();
        (0..m).flat_map(move |k| {
            (k + 1..m).filter_map(move |l| {
                let at = self.rows[k] + l - k - 1;
                let (w_ij, w_ji) = (self.fwd[at] * self.scale, self.bwd[at] * self.scale);
                (w_ij > 0.0 || w_ji > 0.0).then_some(Pair {
                    i: self.members[k],
                    j: self.members[l],
                    w_ij,
                    w_ji,
                })
            })
        })
    }

    /// Lays out the rows for `m` members; every weight 0.
    fn reset(&mut self, m: usize, zero: bool) {
        // The same layout as last time, and every entry is about to be written: the
        // padding is still zero.
        if !zero && self.rows.len() == m + 1 && self.fwd.len() == self.rows[m] {
            return;
        }
        self.rows.clear();
        let mut at = 0;
        for k in 0..m {
            self.rows.push(at);
            at += (m - k - 1).div_ceil(PAD) * PAD;
        }
        self.rows.push(at);
        self.fwd.clear();
        self.fwd.resize(at, 0.0);
        self.bwd.clear();
        self.bwd.resize(at, 0.0);
    }

    /// Where the pair of positions k < l sits.
    fn cell(&self, k: usize, l: usize) -> usize {
        self.rows[k] + l - k - 1
    }
}

/// The exact distribution of (chosen, rejected) pairs, renormalised over distinct
/// responses. Each unordered pair appears once (the loss of both orders shares one
/// exp and one log).
#[derive(Clone, Debug, Default)]
pub struct PairWeights {
    pub n: usize,
    pub pairs: PairList,
    /// Probability that a draw gives two different responses (before renormalising).
    pub distinct: f64,
    /// P(response i is the chosen one) and P(it is the rejected one): the marginals of W,
    /// so averages over pairs of per-response values cost O(N).
    pub chosen: Vec<f64>,
    pub rejected: Vec<f64>,
    /// Scratch: the sums over the table, taken row by row as it is filled.
    acc: RowSums,
    /// Scratch: pi_q and pi_0 by position, each response's position, a row of preferences.
    piq: Vec<f64>,
    pi0: Vec<f64>,
    position: Vec<usize>,
    pref_row: Vec<f64>,
}

/// How a row of W comes: (independent design?, pi_q and pi_0 of its member, pi_q, pi_0
/// and P(member preferred) over its columns).
type RowSource<'a> = (bool, f64, f64, &'a [f64], &'a [f64], &'a [f64]);

/// The sums over the pair table, by position, taken a row at a time while the row is
/// fresh: the marginals, the count and the total. Column sums run over a row's columns in
/// lockstep (the loops vectorise); every order is fixed.
#[derive(Clone, Debug, Default)]
struct RowSums {
    chosen: Vec<f64>,
    rejected: Vec<f64>,
    count: usize,
    total: [f64; LANES],
}

impl RowSums {
    fn reset(&mut self, m: usize) {
        for v in [&mut self.chosen, &mut self.rejected] {
            v.clear();
            v.resize(m, 0.0);
        }
        self.count = 0;
        self.total = [0.0; LANES];
    }

    /// Row k of W: computed from the candidates' probabilities (`Some((independent,
    /// q_a, pi0_a, q, pi0, prefs))` over the row's columns), or already in `fwd` and `bwd`
    /// (`None`); then summed while it is fresh. Unpadded.
    #[inline(always)]
    fn row(&mut self, k: usize, fwd: &mut [f64], bwd: &mut [f64], from: Option<RowSource>) {
        let m = k + 1 + fwd.len();
        let (chosen, rejected) = (&mut self.chosen[k + 1..m], &mut self.rejected[k + 1..m]);
        let count = match from {
            None => fill_and_sum::<false, false>(0.0, 0.0, &[], &[], &[], fwd, bwd, chosen, rejected),
            Some((true, qa, pa, q, p0, prefs)) => {
                fill_and_sum::<true, true>(qa, pa, q, p0, prefs, fwd, bwd, chosen, rejected)
            }
            Some((false, qa, pa, q, p0, prefs)) => {
                fill_and_sum::<true, false>(qa, pa, q, p0, prefs, fwd, bwd, chosen, rejected)
            }
        };
        self.count += count;
        self.chosen[k] += lane_sum(fwd);
        self.rejected[k] += lane_sum(bwd);
        let t = lane_sum2(fwd, bwd);
        // Row totals into the lanes in turn: a fixed order.
        self.total[k % LANES] += t;
    }
}

/// The column sums of one row of W (computed first when `FILL`: independent design when
/// `INDEPENDENT`, else contrastive), with every slice an argument so the compiler sees
/// that what it writes overlaps nothing. Returns the count of positive pairs.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn fill_and_sum<const FILL: bool, const INDEPENDENT: bool>(
    qa: f64,
    pa: f64,
    q: &[f64],
    p0: &[f64],
    prefs: &[f64],
    fwd: &mut [f64],
    bwd: &mut [f64],
    chosen: &mut [f64],
    rejected: &mut [f64],
) -> usize {
    let len = fwd.len();
    let bwd = &mut bwd[..len];
    let (chosen, rejected) = (&mut chosen[..len], &mut rejected[..len]);
    let (q, p0, prefs) = if FILL {
        (&q[..len], &p0[..len], &prefs[..len])
    } else {
        (q, p0, prefs)
    };
    let mut count = 0;
    for c in 0..len {
        if FILL {
            // Probability that the two candidates are a and b, in either order, then the label.
            let both = if INDEPENDENT {
                2.0 * qa * q[c]
            } else {
                qa * p0[c] + pa * q[c]
            };
            fwd[c] = both * prefs[c];
            bwd[c] = both * (1.0 - prefs[c]);
        }
        rejected[c] += fwd[c];
        chosen[c] += bwd[c];
        count += usize::from(fwd[c] > 0.0 || bwd[c] > 0.0);
    }
    count
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

    /// P(i preferred to j) for every j.
    fn row(&self, i: usize) -> &[f64] {
        &self.p[i * self.n..(i + 1) * self.n]
    }
}

/// The support's members from worst to best reward (ties by index): the order in which
/// best-vs-worst picks its pair.
fn by_reward(world: &World, sampler: &Sampler) -> Vec<usize> {
    let mut order = sampler.members.clone();
    sort_by_value(&mut order, &world.reward);
    order
}

impl PairWeights {
    pub fn new(world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences) -> PairWeights {
        let mut w = PairWeights::default();
        w.update(world, s, sampler, prefs);
        w
    }

    /// Recomputes the pair law in place, reusing the buffers.
    pub fn update(&mut self, world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences) {
        simd::run(PairLawUpdate {
            weights: self,
            world,
            s,
            sampler,
            prefs,
        })
    }

    #[inline(always)]
    fn update_in_place(&mut self, world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences) {
        let n = world.n();
        self.n = n;
        let table = &mut self.pairs;
        table.members.clear();
        table.members.extend((0..n).filter(|&i| sampler.in_support[i]));
        let m = table.members.len();
        // Best-vs-worst writes one order of each pair: the other must be zero.
        table.reset(m, s.design == Design::BestVsWorst);
        let acc = &mut self.acc;
        acc.reset(m);
        match s.design {
            Design::Independent | Design::Contrastive => {
                self.piq.clear();
                self.piq.extend(table.members.iter().map(|&i| sampler.piq[i]));
                self.pi0.clear();
                self.pi0.extend(table.members.iter().map(|&i| sampler.pi0[i]));
                let (q, p0) = (&self.piq, &self.pi0);
                let independent = s.design == Design::Independent;
                for k in 0..m {
                    let a = table.members[k];
                    let len = m - k - 1;
                    let start = table.rows[k];
                    let (fwd, bwd) = (&mut table.fwd[start..start + len], &mut table.bwd[start..start + len]);
                    let (ql, pl) = (&q[k + 1..m], &p0[k + 1..m]);
                    // P(a preferred to b) for the row's b: contiguous when the support is
                    // every response, gathered otherwise.
                    let prefs_row: &[f64] = if m == n {
                        &prefs.row(a)[a + 1..]
                    } else {
                        self.pref_row.clear();
                        self.pref_row
                            .extend(table.members[k + 1..].iter().map(|&b| prefs.get(a, b)));
                        &self.pref_row
                    };
                    let (qa, pa) = (q[k], p0[k]);
                    acc.row(k, fwd, bwd, Some((independent, qa, pa, ql, pl, prefs_row)));
                }
            }
            Design::BestVsWorst => {
                self.position.clear();
                self.position.resize(n, usize::MAX);
                for (k, &i) in table.members.iter().enumerate() {
                    self.position[i] = k;
                }
                let order = by_reward(world, sampler);
                let mut prefix = vec![0.0];
                for &i in &order {
                    prefix.push(prefix.last().unwrap() + sampler.piq[i]);
                }
                // Mass of positions lo..=hi, and its K-th power: all K draws fall there.
                let k = s.k as u32;
                let all_in = |lo: usize, hi: isize| -> f64 {
                    if (lo as isize) > hi {
                        0.0
                    } else {
                        powi((prefix[hi as usize + 1] - prefix[lo]).max(0.0), k)
                    }
                };
                for (b, &worst) in order.iter().enumerate() {
                    for (a, &best) in order.iter().enumerate().skip(b + 1) {
                        let a = a as isize;
                        // Inclusion-exclusion: min exactly at b and max exactly at a.
                        let w = all_in(b, a) - all_in(b + 1, a) - all_in(b, a - 1) + all_in(b + 1, a - 1);
                        let (pb, pw) = (self.position[best], self.position[worst]);
                        if pb < pw {
                            let at = table.cell(pb, pw);
                            table.fwd[at] = w.max(0.0);
                        } else {
                            let at = table.cell(pw, pb);
                            table.bwd[at] = w.max(0.0);
                        }
                    }
                }
                for k in 0..m {
                    let (start, len) = (table.rows[k], m - k - 1);
                    let (fwd, bwd) = (&mut table.fwd[start..start + len], &mut table.bwd[start..start + len]);
                    acc.row(k, fwd, bwd, None);
                }
            }
        }
        // The weights stay as drawn; `scale` normalises them.
        let total = acc.total.iter().sum::<f64>();
        let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
        self.chosen.clear();
        self.chosen.resize(n, 0.0);
        self.rejected.clear();
        self.rejected.resize(n, 0.0);
        for (k, &i) in table.members.iter().enumerate() {
            self.chosen[i] = acc.chosen[k] * scale;
            self.rejected[i] = acc.rejected[k] * scale;
        }
        table.count = acc.count;
        table.total = total;
        table.scale = scale;
        self.distinct = total;
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

    /// A pair drawn straight from W: an unordered pair with probability W(i, j) + W(j, i),
    /// in the table's order (increasing i, then j), then its order.
    fn draw_from_law(&self, cum: &[f64], rng: &mut Rng) -> (usize, usize) {
        let table = &self.pairs;
        let cell = rng.categorical(cum);
        let k = table.rows.partition_point(|&start| start <= cell) - 1;
        let (i, j) = (table.members[k], table.members[cell - table.rows[k] + k + 1]);
        let (w_ij, w_ji) = (table.fwd[cell], table.bwd[cell]);
        if rng.uniform() * (w_ij + w_ji) < w_ij {
            (i, j)
        } else {
            (j, i)
        }
    }
}

/// [`PairWeights::update`] in the widest vectors the CPU has.
struct PairLawUpdate<'a> {
    weights: &'a mut PairWeights,
    world: &'a World,
    s: &'a Settings,
    sampler: &'a Sampler,
    prefs: &'a Preferences,
}

impl Kernel for PairLawUpdate<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        self.weights
            .update_in_place(self.world, self.s, self.sampler, self.prefs)
    }
}

/// Draws minibatch pairs by running the generative process: candidates, then the label.
pub struct PairSampler<'a> {
    world: &'a World,
    settings: &'a Settings,
    prefs: &'a Preferences,
    sampler: &'a Sampler,
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
        sampler: &'a Sampler,
        weights: &'a PairWeights,
    ) -> PairSampler<'a> {
        PairSampler {
            world,
            settings,
            prefs,
            sampler,
            weights,
        }
    }

    /// `n` labelled pairs (chosen, rejected); fewer (none) when the sampler cannot emit
    /// two different responses.
    pub fn draw_batch(&self, n: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
        let mut out = Vec::with_capacity(n);
        self.draw_batch_into(n, rng, &mut out);
        out
    }

    /// [`PairSampler::draw_batch`] into a buffer (cleared first).
    pub fn draw_batch_into(&self, n: usize, rng: &mut Rng, out: &mut Vec<(usize, usize)>) {
        out.clear();
        if self.weights.pairs.is_empty() {
            return;
        }
        if self.weights.distinct >= MIN_DISTINCT {
            out.extend((0..n).map(|_| self.draw(rng)));
            return;
        }
        let table = &self.weights.pairs;
        let mut cum = Vec::new();
        cumulative(
            &table.fwd.iter().zip(&table.bwd).map(|(a, b)| a + b).collect::<Vec<_>>(),
            &mut cum,
        );
        out.extend((0..n).map(|_| self.weights.draw_from_law(&cum, rng)));
    }

    /// A candidate from pi_q (`tilted`) or pi_0.
    fn candidate(&self, rng: &mut Rng, tilted: bool) -> usize {
        self.sampler.draw(rng, tilted)
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
                let a = self.candidate(rng, true);
                let b = self.candidate(rng, self.settings.design == Design::Independent);
                if a == b {
                    return None;
                }
                let a_wins = rng.uniform() < self.prefs.get(a, b);
                Some(if a_wins { (a, b) } else { (b, a) })
            }
            Design::BestVsWorst => {
                let better = |x: usize, y: usize| reward[x].total_cmp(&reward[y]).then(x.cmp(&y)).is_gt();
                let first = self.candidate(rng, true);
                let (mut best, mut worst) = (first, first);
                for _ in 1..self.settings.k {
                    let d = self.candidate(rng, true);
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
