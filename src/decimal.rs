//! Decimal text to f64, correctly rounded: the same value and the same accepted syntax as
//! `str::parse::<f64>`. Written here because the standard parser brings a 10 KB table of
//! powers of five into the wasm; this one needs no table. Short inputs (the common case)
//! take Clinger's exact fast path; the rest divide big integers.

/// Significant digits kept; the rest only say whether anything nonzero follows. No
/// halfway point between two f64 needs more than 767 digits to tell it apart.
const MAX_DIGITS: usize = 800;

/// `text` as an f64, correctly rounded (ties to even), or None where `str::parse::<f64>`
/// fails: an optional sign, then digits with at most one '.', at least one digit, and an
/// optional exponent (e or E, optional sign, digits); or inf, infinity, nan in any case.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let sign = |v: f64| if negative { -v } else { v };
    for (word, value) in [("inf", f64::INFINITY), ("infinity", f64::INFINITY), ("nan", f64::NAN)] {
        if rest.eq_ignore_ascii_case(word) {
            return Some(sign(value));
        }
    }
    let decimal = Decimal::read(rest.as_bytes())?;
    Some(sign(decimal.value()))
}

/// Significant digits d_1 d_2 ... d_n (no leading zeros) and a power of ten: the value is
/// 0.d_1...d_n (+ something when `more`) times 10^point.
struct Decimal {
    digits: Vec<u8>,
    point: i64,
    /// Nonzero digits were dropped after the kept ones.
    more: bool,
}

impl Decimal {
    fn read(s: &[u8]) -> Option<Decimal> {
        let mut d = Decimal {
            digits: Vec::new(),
            point: 0,
            more: false,
        };
        let (mut i, mut seen, mut after_dot) = (0, false, false);
        while i < s.len() {
            match s[i] {
                b'0'..=b'9' => {
                    seen = true;
                    let v = s[i] - b'0';
                    if d.digits.is_empty() && v == 0 {
                        // A leading zero: only shifts the point when after the dot.
                        if after_dot {
                            d.point -= 1;
                        }
                    } else {
                        if !after_dot {
                            d.point += 1;
                        }
                        if d.digits.len() < MAX_DIGITS {
                            d.digits.push(v);
                        } else if v != 0 {
                            d.more = true;
                        }
                    }
                }
                b'.' if !after_dot => after_dot = true,
                b'e' | b'E' => break,
                _ => return None,
            }
            i += 1;
        }
        if !seen {
            return None;
        }
        if i < s.len() {
            d.point = d.point.saturating_add(exponent(&s[i + 1..])?);
        }
        while d.digits.last() == Some(&0) {
            d.digits.pop();
        }
        Some(d)
    }

    fn value(&self) -> f64 {
        let n = self.digits.len() as i64;
        if n == 0 {
            return 0.0;
        }
        // Below 10^-325 everything rounds to 0; from 10^310 on, to infinity.
        if self.point < -324 {
            return 0.0;
        }
        if self.point > 310 {
            return f64::INFINITY;
        }
        // The integer of the digits times 10^e10.
        let e10 = self.point - n;
        if !self.more && n <= 15 && e10.abs() <= 22 {
            // Clinger's fast path: both operands exact, so one rounding.
            let m = self.digits.iter().fold(0u64, |m, &d| m * 10 + d as u64) as f64;
            let p = POW10[e10.unsigned_abs() as usize];
            return if e10 < 0 { m / p } else { m * p };
        }
        let mut num = Big::from_digits(&self.digits, self.more);
        // The digit standing for the dropped ones is one more place.
        let e10 = e10 - self.more as i64;
        let mut den = Big::one();
        if e10 >= 0 {
            num.mul_pow10(e10 as u32);
        } else {
            den.mul_pow10(e10.unsigned_abs() as u32);
        }
        ratio_to_f64(num, den)
    }
}

/// The exponent after e/E: optional sign, at least one digit; saturates far beyond any
/// exponent that could matter.
fn exponent(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut e: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        e = (e * 10 + (c - b'0') as i64).min(1_000_000);
    }
    Some(if negative { -e } else { e })
}

/// 10^0 ... 10^22: exact in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// The f64 nearest num / den (ties to even), for num, den > 0.
fn ratio_to_f64(num: Big, den: Big) -> f64 {
    // q = floor(num 2^s / den) with 2^63 <= q < 2^66: 63 or more bits, of which f64 keeps 53.
    let s = 65 - (num.bits() as i64 - den.bits() as i64);
    let (mut a, mut b) = (num, den);
    if s >= 0 {
        a.shl(s as u32);
    } else {
        b.shl((-s) as u32);
    }
    let (q, sticky) = a.divide(&b, 66);
    let top = 128 - q.leading_zeros() as i64; // q's bit length
    let e2 = top - 1 - s; // value in [2^e2, 2^(e2 + 1))
    if e2 > 1023 {
        return f64::INFINITY;
    }
    // The weight of the last kept bit: 53 bits for normal numbers, fixed at 2^-1074 below.
    let lsb = (e2 - 52).max(-1074);
    let drop = lsb + s; // q's bits below the kept ones
    if drop > top {
        return 0.0; // below half the smallest subnormal
    }
    let drop = drop as u32;
    let kept = q >> drop;
    let rest = q & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let kept = (kept + up as u128) as f64; // at most 2^53: exact
                                           // kept 2^lsb is representable, so this product is exact (2^lsb itself may be subnormal).
    let scale = |e: i64| {
        if e >= -1022 {
            f64::from_bits(((e + 1023) as u64) << 52)
        } else {
            f64::from_bits(1u64 << (e + 1074))
        }
    };
    if lsb > 970 {
        // 2^lsb would overflow on its own: scale in two steps.
        kept * scale(lsb - 60) * scale(60)
    } else {
        kept * scale(lsb)
    }
}

/// An unsigned big integer, 32-bit limbs, least significant first, no leading zero limbs.
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8], more: bool) -> Big {
        let mut b = Big(Vec::new());
        for &d in digits {
            b.mul_add(10, d as u32);
        }
        if more {
            // Anything after the kept digits: one more nonzero digit stands for it.
            b.mul_add(10, 1);
        }
        b
    }

    fn mul_add(&mut self, m: u32, add: u32) {
        let mut carry = add as u64;
        for limb in &mut self.0 {
            let v = *limb as u64 * m as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k > 0 {
            let step = k.min(9);
            self.mul_add(10u32.pow(step), 0);
            k -= step;
        }
    }

    fn bits(&self) -> u32 {
        match self.0.last() {
            Some(top) => 32 * self.0.len() as u32 - top.leading_zeros(),
            None => 0,
        }
    }

    fn shl(&mut self, by: u32) {
        let (limbs, bits) = ((by / 32) as usize, by % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = (v << bits) | carry;
                carry = v >> (32 - bits);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    /// self >= other.
    fn at_least(&self, other: &Big) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() > other.0.len();
        }
        for (a, b) in self.0.iter().rev().zip(other.0.iter().rev()) {
            if a != b {
                return a > b;
            }
        }
        true
    }

    /// self -= other, for self >= other.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb as i64 - other.0.get(i).copied().unwrap_or(0) as i64 - borrow;
            borrow = (v < 0) as i64;
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// floor(self / den) for a quotient below 2^bits, and whether a remainder is left.
    /// Binary long division: a few dozen subtractions of numbers of a few dozen limbs.
    fn divide(mut self, den: &Big, bits: u32) -> (u128, bool) {
        let mut q = 0u128;
        for i in (0..bits).rev() {
            let mut shifted = Big(den.0.clone());
            shifted.shl(i);
            if self.at_least(&shifted) {
                self.sub(&shifted);
                q |= 1 << i;
            }
        }
        (q, !self.0.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn same(text: &str) {
        let std = text.parse::<f64>().ok();
        let ours = parse_f64(text);
        assert_eq!(
            ours.map(f64::to_bits),
            std.map(f64::to_bits),
            "{text:?}: ours {ours:?}, std {std:?}"
        );
    }

    #[test]
    fn hard_cases_match_the_standard_parser() {
        for text in [
            "0",
            "-0",
            "+0.0",
            "1",
            "0.01",
            "1e-4",
            "256",
            "0.35",
            ".5",
            "5.",
            "-.5e1",
            "1E3",
            "1e+3",
            "00012.500e-2",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000001",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e309",
            "1e308",
            "0.30000000000000004",
            "123456789012345678901234567890e-30",
            "1e23",
            "8.988465674311579e307",
            "inf",
            "-Infinity",
            "NaN",
            "+nan",
            "1e1000000000000",
            "0e99999",
            "0.000000e-5",
            "1e-99999999999",
        ] {
            same(text);
        }
        // The halfway point between 1 and its successor, with 800+ digits after it.
        same(&format!(
            "1.00000000000000011102230246251565404236316680908203125{}1",
            "0".repeat(900)
        ));
        same(&format!(
            "1.00000000000000011102230246251565404236316680908203125{}",
            "0".repeat(900)
        ));
    }

    #[test]
    fn malformed_text_fails_as_in_the_standard_parser() {
        for text in [
            "", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1..2", "1.2.3", " 1", "1 ", "0x10", "1_000", "--1", "+-1",
            "infinit", "nana", "1e5.0", "1f", "١",
        ] {
            same(text);
        }
        // Every short string over the characters that matter.
        let alphabet: Vec<char> = "0159.eE+-in".chars().collect();
        let mut rng = Rng::new(7, 3);
        for _ in 0..200_000 {
            let len = (rng.uniform() * 7.0) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(rng.uniform() * alphabet.len() as f64) as usize])
                .collect();
            same(&text);
        }
    }

    #[test]
    fn every_f64_round_trips_and_random_decimals_round_correctly() {
        let mut rng = Rng::new(11, 4);
        for _ in 0..100_000 {
            // Half of them at the ends of the range: subnormals, the smallest normals, the largest.
            let field = match (rng.uniform() * 14.0) as usize {
                k @ 0..=6 => [0, 1, 2, 1022, 1023, 2045, 2046][k],
                _ => (rng.uniform() * 2048.0) as u64,
            };
            let bits = (rng.uniform() * 2f64.powi(52)) as u64 | field << 52;
            let v = f64::from_bits(bits);
            for text in [
                format!("{v}"),
                format!("{v:e}"),
                format!("{v:.3e}"),
                format!("{v:.20e}"),
            ] {
                same(&text);
            }
        }
        for _ in 0..100_000 {
            let digits = 1 + (rng.uniform() * 40.0) as usize;
            let mantissa: String = (0..digits)
                .map(|_| char::from(b'0' + (rng.uniform() * 10.0) as u8))
                .collect();
            let e = (rng.uniform() * 700.0) as i64 - 350;
            same(&format!("{mantissa}e{e}"));
            same(&format!("0.{mantissa}"));
        }
    }
}
