//! Pair designs: the exact pair distribution W(i, j) (chosen i, rejected j) and the
//! generative process that draws minibatch pairs from it.

use crate::designs::{self, Draw, Weights};
use crate::numerics::sigmoid;
use crate::rng::Rng;
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
    /// Probability that a draw of candidates gives two different responses (before
    /// renormalising); 1 for the designs that draw from W directly.
    pub distinct: f64,
    /// P(response i is the chosen one) and P(it is the rejected one): the marginals of W,
    /// so averages over pairs of per-response values cost O(N).
    pub chosen: Vec<f64>,
    pub rejected: Vec<f64>,
    /// Scratch: the sums over the table, taken row by row as it is filled.
    acc: RowSums,
    /// Prefix sums of W(i, j) + W(j, i) over the table, when minibatches are drawn from W
    /// directly (empty otherwise).
    cum: Vec<f64>,
    /// Scratch: the design's weights by position, each response's position, a row of
    /// preferences.
    candidates: Weights,
    position: Vec<usize>,
    pref_row: Vec<f64>,
}

/// How a row of W comes: the weights x_k, y_k of its member and the constant c, then x, y
/// and P(member preferred) over its columns.
type RowSource<'a> = ([f64; 3], &'a [f64], &'a [f64], &'a [f64]);

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

    /// Row k of W: computed from the design's weights (`Some(([x_k, y_k, c], x, y,
    /// prefs))` over the row's columns), or already in `fwd` and `bwd` (`None`); then summed
    /// while it is fresh. Unpadded.
    #[inline(always)]
    fn row(&mut self, k: usize, fwd: &mut [f64], bwd: &mut [f64], from: Option<RowSource>) {
        let m = k + 1 + fwd.len();
        let (chosen, rejected) = (&mut self.chosen[k + 1..m], &mut self.rejected[k + 1..m]);
        let count = match from {
            None => fill_and_sum::<false>([0.0; 3], &[], &[], &[], fwd, bwd, chosen, rejected),
            Some((own, x, y, prefs)) => fill_and_sum::<true>(own, x, y, prefs, fwd, bwd, chosen, rejected),
        };
        self.count += count;
        self.chosen[k] += lane_sum(fwd);
        self.rejected[k] += lane_sum(bwd);
        let t = lane_sum2(fwd, bwd);
        // Row totals into the lanes in turn: a fixed order.
        self.total[k % LANES] += t;
    }
}

/// The column sums of one row of W (computed first when `FILL`, from the design's weights
/// C(a, b) = x_a y_b + y_a x_b + c and the labels), with every slice an argument so the
/// compiler sees that what it writes overlaps nothing. Returns the count of positive pairs.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn fill_and_sum<const FILL: bool>(
    [xa, ya, constant]: [f64; 3],
    x: &[f64],
    y: &[f64],
    prefs: &[f64],
    fwd: &mut [f64],
    bwd: &mut [f64],
    chosen: &mut [f64],
    rejected: &mut [f64],
) -> usize {
    let len = fwd.len();
    let bwd = &mut bwd[..len];
    let (chosen, rejected) = (&mut chosen[..len], &mut rejected[..len]);
    let (x, y, prefs) = if FILL {
        (&x[..len], &y[..len], &prefs[..len])
    } else {
        (x, y, prefs)
    };
    let mut count = 0;
    for c in 0..len {
        if FILL {
            // The unordered pair's weight, then the label.
            let both = (xa * y[c] + ya * x[c]) + constant;
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

impl PairWeights {
    /// The pair law of the sampler; `scores` are the policy's f_theta (Mix-P weighs pairs by
    /// them).
    pub fn new(world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences, scores: &[f64]) -> PairWeights {
        let mut w = PairWeights::default();
        w.update(world, s, sampler, prefs, scores);
        w
    }

    /// Recomputes the pair law in place, reusing the buffers.
    pub fn update(&mut self, world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences, scores: &[f64]) {
        simd::run(PairLawUpdate {
            weights: self,
            world,
            s,
            sampler,
            prefs,
            scores,
        })
    }

    #[inline(always)]
    fn update_in_place(&mut self, world: &World, s: &Settings, sampler: &Sampler, prefs: &Preferences, scores: &[f64]) {
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
        let weighted = designs::weights(world, s, sampler, scores, &table.members, &mut self.candidates);
        if weighted {
            let Weights { x, y, c } = &self.candidates;
            for k in 0..m {
                let a = table.members[k];
                let len = m - k - 1;
                let start = table.rows[k];
                let (fwd, bwd) = (&mut table.fwd[start..start + len], &mut table.bwd[start..start + len]);
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
                acc.row(
                    k,
                    fwd,
                    bwd,
                    Some(([x[k], y[k], *c], &x[k + 1..m], &y[k + 1..m], prefs_row)),
                );
            }
        } else {
            self.position.clear();
            self.position.resize(n, usize::MAX);
            for (k, &i) in table.members.iter().enumerate() {
                self.position[i] = k;
            }
            designs::best_vs_worst(world, s, sampler, |best, worst, w| {
                let (pb, pw) = (self.position[best], self.position[worst]);
                if pb < pw {
                    let at = table.cell(pb, pw);
                    table.fwd[at] = w;
                } else {
                    let at = table.cell(pw, pb);
                    table.bwd[at] = w;
                }
            });
            for k in 0..m {
                let (start, len) = (table.rows[k], m - k - 1);
                let (fwd, bwd) = (&mut table.fwd[start..start + len], &mut table.bwd[start..start + len]);
                acc.row(k, fwd, bwd, None);
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
        let from_law = designs::draw(s.design) == Draw::FromLaw;
        self.distinct = if from_law { 1.0 } else { total };
        self.cum.clear();
        if from_law || self.distinct < MIN_DISTINCT {
            let mut acc = 0.0;
            self.cum.extend(table.fwd.iter().zip(&table.bwd).map(|(a, b)| {
                acc += a + b;
                acc
            }));
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
    scores: &'a [f64],
}

impl Kernel for PairLawUpdate<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        self.weights
            .update_in_place(self.world, self.s, self.sampler, self.prefs, self.scores)
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
pub const MIN_DISTINCT: f64 = 1e-3;

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
        // Straight from W (the design's own process, or distinct pairs too rare to redraw).
        let cum = &self.weights.cum;
        if !cum.is_empty() {
            out.extend((0..n).map(|_| self.weights.draw_from_law(cum, rng)));
            return;
        }
        out.extend((0..n).map(|_| self.draw(rng)));
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
        match designs::draw(self.settings.design) {
            Draw::Candidates { second_tilted } => {
                let a = self.candidate(rng, true);
                let b = self.candidate(rng, second_tilted);
                if a == b {
                    return None;
                }
                let a_wins = rng.uniform() < self.prefs.get(a, b);
                Some(if a_wins { (a, b) } else { (b, a) })
            }
            Draw::BestOfK => {
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
            Draw::FromLaw => unreachable!("drawn from W by draw_batch_into"),
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

    const DESIGNS: [&str; 9] = [
        "design=independent&quality=0.5",
        "design=contrastive&quality=0.7",
        "design=bvw&k=4&quality=0.3",
        "design=independent&labels=oracle",
        "design=contrastive&quality=1&labels=oracle&support=0.5",
        "design=bvw&k=2&support=0.6",
        "design=mixr&support=0.7&s=3",
        "design=mixp&labels=oracle",
        "design=mixr&labels=oracle&support=0.5",
    ];

    #[test]
    fn weights_sum_to_one_and_skip_identical_pairs() {
        for d in DESIGNS {
            let (w, s, sm) = setup(&format!("n=10&kappa=1.5&{d}"));
            let pw = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s), &vec![0.0; w.n()]);
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

    /// Mix-R and Mix-P against their closed forms: over the support, W(i, j) is
    /// C_ij P(i preferred to j) / Z with C_ij = 2 + e^(d_ij) + e^(-d_ij), d = s (r_i - r_j)
    /// (Mix-R) or beta (h_i - h_j) (Mix-P), whatever the quality.
    #[test]
    fn mixed_samplers_weigh_pairs_by_their_closed_forms() {
        for (text, theta_scale) in [
            ("design=mixr&s=3&support=0.6&quality=1", 0.0),
            ("design=mixp&beta=3&support=0.6&quality=0.5", 0.7),
            ("design=mixp&beta=0.5&labels=oracle", 2.0),
            ("design=mixp&beta=10", 80.0),
        ] {
            let (w, s, sm) = setup(&format!("n=12&kappa=1&{text}"));
            let scores: Vec<f64> = (0..12).map(|i| theta_scale * ((i * 5) as f64).sin()).collect();
            let prefs = Preferences::new(&w, &s);
            let dense = PairWeights::new(&w, &s, &sm, &prefs, &scores).dense();
            let d = |i: usize, j: usize| match s.design {
                Design::MixR => s.sharpness * (w.reward[i] - w.reward[j]),
                _ => s.beta * (scores[i] - scores[j]),
            };
            // C relative to the largest, so that e^80 stays finite: 2 e^-D + e^(d - D) + e^(-d - D).
            let top = sm
                .members
                .iter()
                .flat_map(|&i| sm.members.iter().map(move |&j| d(i, j)))
                .fold(0.0, f64::max);
            let c = |i: usize, j: usize| 2.0 * (-top).exp() + (d(i, j) - top).exp() + (-d(i, j) - top).exp();
            let z: f64 = sm
                .members
                .iter()
                .flat_map(|&i| sm.members.iter().map(move |&j| (i, j)))
                .filter(|(i, j)| i != j)
                .map(|(i, j)| c(i, j) * prefs.get(i, j))
                .sum();
            for (i, row) in dense.iter().enumerate() {
                for (j, &got) in row.iter().enumerate() {
                    let expect = if i != j && sm.in_support[i] && sm.in_support[j] {
                        c(i, j) * prefs.get(i, j) / z
                    } else {
                        0.0
                    };
                    assert!(
                        (got - expect).abs() <= 1e-12 * expect.max(1e-300),
                        "{text}: W({i},{j}) = {got} vs {expect}"
                    );
                }
            }
        }
    }

    #[test]
    fn contrastive_equals_independent_at_zero_quality() {
        let (w, s, sm) = setup("n=9&design=independent");
        let (_, c, _) = setup("n=9&design=contrastive");
        let a = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s), &vec![0.0; w.n()]).dense();
        let b = PairWeights::new(&w, &c, &sm, &Preferences::new(&w, &c), &vec![0.0; w.n()]).dense();
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
        let a = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s), &vec![0.0; w.n()]).dense();
        let b = PairWeights::new(&w, &o, &sm, &Preferences::new(&w, &o), &vec![0.0; w.n()]).dense();
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
            let pw = PairWeights::new(&w, &s, &sm, &prefs, &vec![0.0; w.n()]);
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
        let pw = PairWeights::new(&w, &s, &sm, &prefs, &vec![0.0; w.n()]);
        let ps = PairSampler::new(&w, &s, &prefs, &sm, &pw);
        let mut rng = Rng::new(1, 1);
        let batch = ps.draw_batch(100, &mut rng);
        assert_eq!(batch.len(), 100);
        assert!(batch.iter().all(|(c, r)| c != r));
    }
}
