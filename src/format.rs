//! The one number formatter: chart ticks, the page's readouts, the tour's prose and the
//! CSV files all print numbers through here.

/// How a number is shown to a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A whole number.
    Int,
    /// A fixed number of decimals.
    Fixed(u8),
    /// Significant digits (scientific notation below 1e-3 and from 1e4 on).
    Sig(u8),
}

impl Format {
    /// `int`, `2` (two decimals) or `sig3` (three significant digits).
    pub fn parse(text: &str) -> Option<Format> {
        let digits = |t: &str| t.parse::<u8>().ok().filter(|d| *d <= 12);
        match text {
            "int" => Some(Format::Int),
            _ if text.starts_with("sig") => digits(&text[3..]).filter(|d| *d >= 1).map(Format::Sig),
            _ => digits(text).map(Format::Fixed),
        }
    }
}

/// A value for the reader: "—" where it is not defined, a true minus sign, and values within
/// rounding of zero (|v| below 1e-12, such as a KL of -4.6e-16 at step 0) as "0".
pub fn number(v: f64, format: Format) -> String {
    if v.is_nan() {
        return "—".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "∞" } else { "−∞" }.into();
    }
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let text = match format {
        Format::Int => format!("{}", v.round()),
        Format::Fixed(d) => format!("{v:.*}", d as usize),
        Format::Sig(d) => significant(v, d as usize),
    };
    minus(&text)
}

/// A value `v` on an axis spanning `span`: values within `span * 1e-9` of zero print as 0,
/// the rest with the digits the span needs (at most three significant).
pub fn tick(v: f64, span: f64) -> String {
    let a = v.abs();
    if a <= span.abs() * 1e-9 {
        return "0".into();
    }
    // Labels in scientific form are long: one decimal is enough there.
    number(v, Format::Sig(if (1e-3..1e4).contains(&a) { 3 } else { 2 }))
}

/// A tick `v` (1, 2 or 5 times a power of ten) on a logarithmic axis: plain between 0.001 and
/// 10^4, otherwise short scientific form ("1e−16", "5e−7"). Never "0": every tick is positive.
pub fn log_tick(v: f64) -> String {
    if (1e-3..1e4).contains(&v) {
        return significant(v, 3);
    }
    let e = v.log10().floor();
    let m = (v / 10f64.powf(e)).round();
    minus(&format!("{m}e{e}"))
}

/// A CSV cell: the shortest text that parses back to the same number, empty where not
/// defined. Rust's `{}` and `{:e}` both print the fewest digits that round-trip; the
/// shorter of the two wins (-4.7768028164218225e-16, not -0.000000000000000477...), except
/// that a whole number below 10^15 stays whole (a step is 3000, not 3e3).
pub fn cell(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    // + 0.0 turns -0 into 0: an empty sum is -0 in Rust.
    let v = v + 0.0;
    let (plain, scientific) = (format!("{v}"), format!("{v:e}"));
    let whole = v.fract() == 0.0 && v.abs() < 1e15;
    if scientific.len() < plain.len() && !whole {
        scientific
    } else {
        plain
    }
}

/// One CSV line of values.
pub fn csv_line(values: &[f64]) -> String {
    values.iter().map(|v| cell(*v)).collect::<Vec<_>>().join(",")
}

fn significant(v: f64, digits: usize) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e4).contains(&a) {
        return format!("{v:.*e}", digits - 1);
    }
    let decimals = (digits as i32 - 1 - a.log10().floor() as i32).clamp(0, 12) as usize;
    let t = format!("{v:.decimals$}");
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    }
}

fn minus(text: &str) -> String {
    let t = text.replace('-', "−");
    // "-0.00" is zero to the reader.
    if t.starts_with('−') && t[3..].chars().all(|c| c == '0' || c == '.') {
        t[3..].to_string()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_forms() {
        assert_eq!(number(f64::NAN, Format::Sig(3)), "—");
        assert_eq!(number(-4.6e-16, Format::Sig(3)), "0");
        assert_eq!(number(-4.6e-16, Format::Fixed(2)), "0.00");
        assert_eq!(number(-0.001, Format::Fixed(2)), "0.00");
        assert_eq!(number(1.2345, Format::Sig(3)), "1.23");
        assert_eq!(number(-1.25, Format::Fixed(1)), "−1.2");
        assert_eq!(number(0.30000000000000004, Format::Sig(3)), "0.3");
        assert_eq!(number(150.0, Format::Sig(3)), "150");
        assert_eq!(number(-2.5e-5, Format::Sig(2)), "−2.5e−5");
        assert_eq!(number(12345.0, Format::Sig(3)), "1.23e4");
        assert_eq!(number(2.6, Format::Int), "3");
        assert_eq!(number(0.0123, Format::Sig(2)), "0.012");
    }

    #[test]
    fn csv_cells_parse_back_bit_exactly_in_the_shorter_form() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(19);
        for k in 0..200_000 {
            // Every bit pattern half the time; otherwise numbers of everyday sizes.
            let v = if k % 2 == 0 {
                f64::from_bits(rng.random())
            } else {
                (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-30..30))
            };
            if !v.is_finite() {
                continue;
            }
            let text = cell(v);
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                (v + 0.0).to_bits(),
                "{v:e}: {text}"
            );
            assert_eq!(
                crate::decimal::parse_f64(&text).map(f64::to_bits),
                Some((v + 0.0).to_bits()),
                "{text}"
            );
            // The shorter form, but whole numbers below 10^15 as they are.
            let whole = v.fract() == 0.0 && v.abs() < 1e15;
            assert!(
                text.len() <= format!("{v}").len() && (whole || text.len() <= format!("{v:e}").len()),
                "{text}"
            );
        }
    }

    #[test]
    fn ticks_csv_and_specs() {
        assert_eq!(tick(1e-17, 1.0), "0");
        assert_eq!(tick(-1.25, 1.0), "−1.25");
        assert_eq!(tick(12345.0, 1.0), "1.2e4");
        assert_eq!(log_tick(1e-16), "1e−16");
        assert_eq!(log_tick(5e-7), "5e−7");
        assert_eq!(log_tick(2e5), "2e5");
        assert_eq!(log_tick(0.002), "0.002");
        assert_eq!(log_tick(1.0), "1");
        assert_eq!(cell(-0.0), "0");
        assert_eq!(cell(f64::NAN), "");
        assert_eq!(cell(0.1 + 0.2).parse::<f64>().unwrap(), 0.1 + 0.2);
        assert_eq!(cell(-4.7768028164218225e-16), "-4.7768028164218225e-16");
        assert_eq!(cell(1e21), "1e21");
        assert_eq!(cell(123.0), "123");
        assert_eq!(cell(3000.0), "3000");
        assert_eq!(cell(f64::NEG_INFINITY), "");
        assert_eq!(Format::parse("sig2"), Some(Format::Sig(2)));
        assert_eq!(Format::parse("int"), Some(Format::Int));
        assert_eq!(Format::parse("3"), Some(Format::Fixed(3)));
        assert_eq!(Format::parse("sig0"), None);
        assert_eq!(Format::parse("x"), None);
    }
}
