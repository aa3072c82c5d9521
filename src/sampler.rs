//! The data-generating distribution at one step: base mix, support, quality tilt.

use crate::numerics::exp;
use crate::rng::{cumulative, Rng};
use crate::settings::Settings;
use crate::simd::{self, Kernel};
use crate::world::World;

/// Fixed scale of the quality tilt: pi_q ∝ pi_0 exp(TILT q z).
pub const TILT: f64 = 4.0;

/// The sampler for one step.
#[derive(Clone, Debug, Default)]
pub struct Sampler {
    /// (1 - lambda) pi_ref + lambda pi_theta.
    pub base: Vec<f64>,
    /// Is response i in the support S?
    pub in_support: Vec<bool>,
    /// The members of S, by decreasing base probability (ties by index).
    pub members: Vec<usize>,
    /// base restricted to S and renormalised.
    pub pi0: Vec<f64>,
    /// pi_0 tilted toward high reward by the quality.
    pub piq: Vec<f64>,
    /// Prefix sums of pi_q and pi_0, for drawing candidates.
    pub cum_q: Vec<f64>,
    pub cum_0: Vec<f64>,
    /// The last index with mass in `cum_q` and `cum_0`, where a draw that rounds onto the
    /// total falls back to.
    pub(crate) last_q: usize,
    pub(crate) last_0: usize,
    /// Guide tables for `cum_q` and `cum_0`: entry j is the first index whose prefix sum
    /// exceeds j / N of the total, where a draw of u in [j / N, (j + 1) / N) starts looking.
    pub(crate) guide_q: Vec<usize>,
    pub(crate) guide_0: Vec<usize>,
    /// Every response by decreasing base probability: the next step's sort starts from it.
    order: Vec<usize>,
    /// exp(tilt (z_i - max z)) for the tilt `tilt_for`: fixed for a world and a quality,
    /// so the tilt costs a product per response, not an exp and a log.
    tilt_weights: Vec<f64>,
    tilt_for: f64,
}

impl Sampler {
    /// The sampler given the current policy's probabilities.
    pub fn new(world: &World, s: &Settings, policy: &[f64]) -> Sampler {
        let mut sampler = Sampler::default();
        sampler.update(world, s, policy);
        sampler
    }

    /// Recomputes the sampler in place for a new policy, reusing the buffers.
    pub fn update(&mut self, world: &World, s: &Settings, policy: &[f64]) {
        simd::run(SamplerUpdate {
            sampler: self,
            world,
            s,
            policy,
        })
    }

    #[inline(always)]
    fn update_in_place(&mut self, world: &World, s: &Settings, policy: &[f64]) {
        let n = world.n();
        let lambda = s.on_policy;
        self.base.clone_from(&world.ref_probs);
        for (b, p) in self.base.iter_mut().zip(policy) {
            *b = (1.0 - lambda) * *b + lambda * p;
        }
        let base = &self.base;
        // Insertion sort from the last step's order: the policy moves a little per step,
        // so this is about linear. The order is total (ties by index): the result is the
        // same whatever the start.
        if self.order.len() != n {
            self.order.clear();
            self.order.extend(0..n);
        }
        let before = |a: usize, b: usize| base[b].total_cmp(&base[a]).then(a.cmp(&b)).is_lt();
        for k in 1..n {
            let x = self.order[k];
            let mut at = k;
            while at > 0 && before(x, self.order[at - 1]) {
                self.order[at] = self.order[at - 1];
                at -= 1;
            }
            self.order[at] = x;
        }
        self.members.clear();
        self.members.extend_from_slice(&self.order[..s.support_size().min(n)]);
        self.in_support.clear();
        self.in_support.resize(n, false);
        for &i in &self.members {
            self.in_support[i] = true;
        }
        let mass: f64 = self.members.iter().map(|&i| base[i]).sum();
        let size = self.members.len() as f64;
        self.pi0.clear();
        self.pi0.extend((0..n).map(|i| match (self.in_support[i], mass > 0.0) {
            (false, _) => 0.0,
            (true, true) => base[i] / mass,
            (true, false) => 1.0 / size,
        }));
        self.piq.clear();
        // Quality 0 is no tilt at all: keep pi_q equal to pi_0 to the last bit.
        if s.quality == 0.0 {
            self.piq.extend_from_slice(&self.pi0);
        } else {
            // q >= 0, so every weight is in (0, 1]; z spans at most 2 sqrt(N), so none is
            // below exp(-8 sqrt(256)): far from underflow.
            let tilt = TILT * s.quality;
            if self.tilt_for != tilt || self.tilt_weights.len() != n {
                let top = world.z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                self.tilt_weights.clear();
                self.tilt_weights.extend(world.z.iter().map(|z| exp(tilt * (z - top))));
                self.tilt_for = tilt;
            }
            self.piq
                .extend(self.pi0.iter().zip(&self.tilt_weights).map(|(p, g)| p * g));
            let total: f64 = self.piq.iter().sum();
            for q in &mut self.piq {
                *q /= total;
            }
        }
        cumulative(&self.piq, &mut self.cum_q);
        cumulative(&self.pi0, &mut self.cum_0);
        let last = |c: &[f64]| c.partition_point(|&x| x < c[c.len() - 1]);
        self.last_q = last(&self.cum_q);
        self.last_0 = last(&self.cum_0);
        guide(&self.cum_q, &mut self.guide_q);
        guide(&self.cum_0, &mut self.guide_0);
    }

    /// An index drawn with probability proportional to the increments of `cum_q`
    /// (`tilted`) or `cum_0`: the same draw as `Rng::categorical` on them (the same
    /// uniform, the same index), found from the guide table in a step or two.
    pub fn draw(&self, rng: &mut Rng, tilted: bool) -> usize {
        let (cum, guide, last) = if tilted {
            (&self.cum_q, &self.guide_q, self.last_q)
        } else {
            (&self.cum_0, &self.guide_0, self.last_0)
        };
        let n = cum.len();
        let u = rng.uniform();
        let target = u * cum[n - 1];
        // The first index whose prefix sum exceeds the target (n when none does): the
        // guide's start is at most one rounding away; walk to it either way.
        let mut i = guide[((u * n as f64) as usize).min(n - 1)];
        while i > 0 && cum[i - 1] > target {
            i -= 1;
        }
        while i < n && cum[i] <= target {
            i += 1;
        }
        i.min(last)
    }

    /// Probability mass of `probs` outside the support.
    pub fn off_support_mass(&self, probs: &[f64]) -> f64 {
        probs
            .iter()
            .zip(&self.in_support)
            .filter(|(_, &inside)| !inside)
            .map(|(p, _)| p)
            .sum()
    }
}

/// [`Sampler::update`] in the widest vectors the CPU has.
struct SamplerUpdate<'a> {
    sampler: &'a mut Sampler,
    world: &'a World,
    s: &'a Settings,
    policy: &'a [f64],
}

impl Kernel for SamplerUpdate<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        self.sampler.update_in_place(self.world, self.s, self.policy)
    }
}

/// The guide table of prefix sums `cum` (see [`Sampler::draw`]).
fn guide(cum: &[f64], out: &mut Vec<usize>) {
    let n = cum.len();
    let total = cum[n - 1];
    out.clear();
    let mut i = 0;
    for j in 0..n {
        let threshold = j as f64 / n as f64 * total;
        while i < n - 1 && cum[i] <= threshold {
            i += 1;
        }
        out.push(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world_and(settings: &str) -> (World, Settings) {
        let s = Settings::parse(settings).unwrap();
        (World::new(&s), s)
    }

    #[test]
    fn support_holds_the_most_likely_responses() {
        let (w, s) = world_and("n=40&support=0.25&kappa=2");
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let sm = Sampler::new(&w, &s, &refp);
        assert_eq!(sm.members.len(), 10);
        let weakest_inside = sm.members.iter().map(|&i| refp[i]).fold(f64::INFINITY, f64::min);
        for ((p, inside), q) in refp.iter().zip(&sm.in_support).zip(&sm.piq) {
            if !inside {
                assert!(*p <= weakest_inside);
                assert_eq!(*q, 0.0);
            }
        }
        assert!((sm.pi0.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((sm.piq.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quality_zero_is_untilted_and_quality_raises_reward() {
        let (w, mut s) = world_and("n=30");
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let a = Sampler::new(&w, &s, &refp);
        assert_eq!(a.pi0, a.piq);
        s.quality = 1.0;
        let b = Sampler::new(&w, &s, &refp);
        assert!(w.expected_reward(&b.piq) > w.expected_reward(&b.pi0) + 0.5);
    }

    /// A draw from the guide table is Rng::categorical's draw, uniform for uniform.
    #[test]
    fn guided_draws_equal_categorical_draws() {
        for text in [
            "n=40&quality=0.8&support=0.3&kappa=3",
            "n=7",
            "n=256&quality=1&kappa=10",
            "n=5&support=0.01",
        ] {
            let (w, s) = world_and(text);
            let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
            let sm = Sampler::new(&w, &s, &refp);
            let (mut a, mut b) = (Rng::new(5, 2), Rng::new(5, 2));
            for k in 0..20_000 {
                let tilted = k % 2 == 0;
                let cum = if tilted { &sm.cum_q } else { &sm.cum_0 };
                assert_eq!(sm.draw(&mut a, tilted), b.categorical(cum), "{text}, draw {k}");
            }
        }
    }

    #[test]
    fn on_policy_fraction_mixes_in_the_policy() {
        let (w, mut s) = world_and("n=8");
        s.on_policy = 1.0;
        let policy = vec![0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0];
        let sm = Sampler::new(&w, &s, &policy);
        assert_eq!(sm.base, policy);
    }
}
