//! The crate's speed machinery, in one place: loops compiled for the widest vectors the CPU
//! has and picked at run time, the padding that lets them run in whole vectors, and the
//! fixed-order lane sums that keep their results the same bits everywhere.
//!
//! A [`Kernel`] is a computation whose `run` is `#[inline(always)]`. [`run`] compiles it
//! three times on x86-64 (plain x86-64 with 2 lanes, AVX2, AVX2 with AVX-512F) and calls the
//! widest the CPU has, up to the widest the kernel asks for; elsewhere (wasm) there is one
//! copy. No FMA is enabled, so every operation rounds alike on every path: the same bits on
//! each, and in wasm (`every_path_gives_the_same_bits` checks every kernel). This is the only
//! module with `unsafe` or `#[target_feature]`.

/// Instruction sets, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Width {
    Plain,
    Avx2,
    Avx512,
}

/// A loop compiled once per instruction set.
pub trait Kernel {
    type Output;
    /// The widest instruction set worth using: AVX2 unless measured faster with AVX-512.
    fn widest(&self) -> Width {
        Width::Avx2
    }
    /// The computation. Implementations must be `#[inline(always)]`, so that each copy
    /// compiles the loops inside for its own instruction set.
    fn run(self) -> Self::Output;
}

/// Runs `kernel` in the widest copy the CPU has and the kernel wants.
#[inline]
pub fn run<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(test)]
    tests::note(std::any::type_name::<K>());
    #[cfg(target_arch = "x86_64")]
    {
        let width = kernel.widest().min(available());
        #[cfg(test)]
        let width = tests::forced().unwrap_or(width);
        match width {
            // SAFETY: `available` (or the test forcing a path it found available) checked
            // that the CPU has the instruction set.
            Width::Avx512 => return unsafe { avx512(kernel) },
            Width::Avx2 => return unsafe { avx2(kernel) },
            Width::Plain => {}
        }
    }
    kernel.run()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<K: Kernel>(kernel: K) -> K::Output {
    kernel.run()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,avx512f")]
fn avx512<K: Kernel>(kernel: K) -> K::Output {
    kernel.run()
}

/// The widest instruction set this CPU has.
#[inline(always)]
pub fn available() -> Width {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx2") {
            return Width::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return Width::Avx2;
        }
    }
    Width::Plain
}

const _: () = assert!(LANES == 4, "the lane sums are written for 4 lanes");

/// The lanes of the fixed-order sums: four partial sums, added pairwise at the end.
pub const LANES: usize = 4;

/// Rows of the pair table are padded with zero weights to a multiple of this, so the pair
/// loops run in whole vectors (8 lanes with AVX-512, 4 with AVX2, 2 without, 1 in wasm) with
/// no scalar remainder.
pub const PAD: usize = 8;

/// Sums in [`LANES`] lanes, in a fixed order (the rest of a length that is not a multiple
/// of LANES goes into the first lanes).
#[inline(always)]
pub fn lane_sum(v: &[f64]) -> f64 {
    let mut acc = [0.0; LANES];
    let mut chunks = v.chunks_exact(LANES);
    for chunk in &mut chunks {
        for q in 0..LANES {
            acc[q] += chunk[q];
        }
    }
    for (q, x) in chunks.remainder().iter().enumerate() {
        acc[q] += x;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// The sum of a + b over two equally long vectors, in lanes like [`lane_sum`].
#[inline(always)]
pub fn lane_sum2(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; LANES];
    let (mut ca, mut cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    for (x, y) in (&mut ca).zip(&mut cb) {
        for q in 0..LANES {
            acc[q] += x[q] + y[q];
        }
    }
    for (q, (x, y)) in ca.remainder().iter().zip(cb.remainder()).enumerate() {
        acc[q] += x + y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeSet;

    use super::*;
    use crate::numerics::{exp_in_place, log_sum_exp_slice};
    use crate::{Settings, Simulation};

    thread_local! {
        static FORCED: Cell<Option<Width>> = const { Cell::new(None) };
        static SEEN: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    }

    /// The path a test forces on this thread, if any.
    pub(super) fn forced() -> Option<Width> {
        FORCED.with(Cell::get)
    }

    /// Records which kernel ran.
    pub(super) fn note(kernel: &str) {
        SEEN.with(|seen| {
            seen.borrow_mut()
                .insert(kernel.split('<').next().unwrap_or(kernel).to_string())
        });
    }

    /// Runs over settings that reach every kernel, every design and both branches of each
    /// (factored exponentials and not, the minibatch from W): the bits of everything measured.
    fn bits_of_runs() -> Vec<u64> {
        let mut bits = Vec::new();
        for text in [
            "n=64&quality=0.5&online=1",
            "n=37&model=tabular&design=bvw&online=0.5",
            "n=50&scale=5&beta=3&support=0.7&online=1&lr=5",
            "n=40&design=independent&quality=1&model=tabular&exact=1&lr=20&online=1",
            "n=5&support=0.01&quality=1&kappa=10&scale=5&design=independent",
            "n=30&labels=oracle&gamma=1&shape=concave&online=1",
        ] {
            let mut sim = Simulation::new(Settings::parse(text).unwrap());
            for _ in 0..20 {
                if sim.step().is_err() {
                    break;
                }
                bits.extend(sim.metrics().values().map(f64::to_bits));
                bits.extend(sim.theta().iter().map(|t| t.to_bits()));
            }
        }
        // The vector helpers at their edges: arguments outside exp_core's range, infinities.
        for xs in [vec![0.3, -800.0, 12.0, 700.0, 5.0], vec![f64::NEG_INFINITY, 1.0, 2.0]] {
            bits.push(log_sum_exp_slice(&xs).to_bits());
            let mut v = xs.clone();
            exp_in_place(&mut v);
            bits.extend(v.iter().map(|x| x.to_bits()));
        }
        bits
    }

    /// Every kernel of the crate.
    const KERNELS: [&str; 9] = [
        "Curvatures",
        "ExpInPlace",
        "LogSumExp",
        "LogisticTerms",
        "PairLawUpdate",
        "Pass",
        "Product",
        "SamplerUpdate",
        "Spread",
    ];

    /// Every kernel on every path this CPU has gives the bits of the plain path.
    #[test]
    fn every_path_gives_the_same_bits() {
        let paths = [Width::Plain, Width::Avx2, Width::Avx512];
        let mut plain = None;
        for width in paths.into_iter().filter(|w| *w <= available()) {
            FORCED.with(|f| f.set(Some(width)));
            SEEN.with(|seen| seen.borrow_mut().clear());
            let bits = bits_of_runs();
            FORCED.with(|f| f.set(None));
            let seen: BTreeSet<String> = SEEN.with(|seen| seen.borrow().clone());
            let names: BTreeSet<&str> = seen.iter().map(|k| k.rsplit("::").next().unwrap_or(k)).collect();
            assert_eq!(
                names,
                BTreeSet::from(KERNELS),
                "the kernels the runs reach (a new one belongs in KERNELS, and in the runs)"
            );
            match &plain {
                None => plain = Some(bits),
                Some(p) => assert!(p == &bits, "{width:?} differs from the plain path"),
            }
        }
    }
}
