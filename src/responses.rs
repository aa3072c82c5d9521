//! A world given as a list of responses, and its text forms.
//!
//! Each response has a name, a true reward, and optionally its features φ (two numbers, for
//! the linear model) and the reference's logit; what a list leaves out is completed when the
//! world is built (`world.rs`): features drawn from the seed, a uniform reference. Three forms
//! carry a list, all checked here with the row and the column named in every error:
//!
//! - `rewards=r1,r2,…`: the short form, rewards only (names `r1`, `r2`, …);
//! - `world=name,reward[,phi1,phi2[,ref]];…`: one response per `;`, an empty field absent, names
//!   percent-encoded, numbers in their shortest round-trip form (so the text parses back to the
//!   same bits, and holds no `&`, `=` or `#`: it travels raw in a URL and in `key=value` text);
//! - CSV with the header `name,reward,phi1,phi2,ref` (columns in any order; all but `reward`
//!   optional), the form of `--world FILE.csv` and of a file opened on the page.

use crate::decimal::parse_f64;
use crate::settings::clip;

/// The most responses a world may have (N's range).
pub const MAX_RESPONSES: usize = 256;
/// The fewest.
pub const MIN_RESPONSES: usize = 4;
/// The longest name, in characters.
pub const MAX_NAME: usize = 40;
/// The largest world file read, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// The CSV columns, in the order they are written.
pub const COLUMNS: [&str; 5] = ["name", "reward", "phi1", "phi2", "ref"];
/// Columns `responses.csv` adds after them (what a run did with the world): read and ignored.
pub const RUN_COLUMNS: [&str; 2] = ["ref_prob", "prob"];

/// One response as a list gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub name: String,
    pub reward: f64,
    /// φ; None: drawn from the seed.
    pub phi: Option<[f64; 2]>,
    /// The reference's logit (any finite number: the reference is their softmax); None: uniform.
    pub ref_logit: Option<f64>,
}

/// The name response `i` (from 0) has when a list gives none.
pub fn default_name(i: usize) -> String {
    format!("r{}", i + 1)
}

/// A world's responses as given. Every list has 4 to 256 responses with unique names, and
/// either all or none give features, and all or none a reference logit.
#[derive(Clone, Debug, PartialEq)]
pub struct Responses(Vec<Response>);

impl Responses {
    pub fn list(&self) -> &[Response] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Do the responses give their features?
    pub fn has_features(&self) -> bool {
        self.0.first().is_some_and(|r| r.phi.is_some())
    }

    /// Do they give the reference?
    pub fn has_reference(&self) -> bool {
        self.0.first().is_some_and(|r| r.ref_logit.is_some())
    }

    /// Rewards only, under their default names: what `rewards=` says in full.
    pub fn is_rewards_only(&self) -> bool {
        self.0
            .iter()
            .enumerate()
            .all(|(i, r)| r.phi.is_none() && r.ref_logit.is_none() && r.name == default_name(i))
    }

    /// Checks a list built from parts (`what` names where it came from in errors).
    pub fn new(list: Vec<Response>, what: &str) -> Result<Responses, String> {
        if !(MIN_RESPONSES..=MAX_RESPONSES).contains(&list.len()) {
            return Err(format!(
                "{what} gives {} responses: a world has {MIN_RESPONSES} to {MAX_RESPONSES}",
                list.len()
            ));
        }
        for (i, r) in list.iter().enumerate() {
            let row = i + 1;
            check_name(&r.name).map_err(|why| format!("{what}, response {row}: the name {why}"))?;
            if list[..i].iter().any(|o| o.name == r.name) {
                return Err(format!(
                    "{what}, response {row}: the name '{}' is given twice",
                    clip(&r.name)
                ));
            }
            let numbers = [Some(r.reward), r.phi.map(|p| p[0]), r.phi.map(|p| p[1]), r.ref_logit];
            for (column, v) in COLUMNS[1..].iter().zip(numbers) {
                if v.is_some_and(|v| !v.is_finite()) {
                    return Err(format!("{what}, response {row}, {column}: not a finite number"));
                }
            }
            if r.phi.is_some() != list[0].phi.is_some() {
                return Err(format!(
                    "{what}, response {row}: give phi1 and phi2 for every response or for none"
                ));
            }
            if r.ref_logit.is_some() != list[0].ref_logit.is_some() {
                return Err(format!(
                    "{what}, response {row}: give ref for every response or for none"
                ));
            }
        }
        Ok(Responses(list))
    }

    /// `r1,r2,…`: 4 to 256 finite numbers.
    pub fn parse_rewards(text: &str) -> Result<Responses, String> {
        let list = text
            .split(',')
            .enumerate()
            .map(|(i, item)| {
                let reward = number(item).ok_or_else(|| {
                    format!(
                        "rewards, value {}: '{}' is not a finite number (rewards must be 4 to 256 comma-separated numbers)",
                        i + 1,
                        clip(item.trim())
                    )
                })?;
                Ok(Response {
                    name: default_name(i),
                    reward,
                    phi: None,
                    ref_logit: None,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Responses::new(list, "rewards").map_err(|e| format!("{e} (rewards must be 4 to 256 comma-separated numbers)"))
    }

    /// `name,reward[,phi1,phi2[,ref]];…` (see the module's header).
    pub fn parse_world(text: &str) -> Result<Responses, String> {
        let list = text
            .split(';')
            .enumerate()
            .map(|(i, row)| {
                let fields: Vec<&str> = row.split(',').collect();
                let at = |column: usize| fields.get(column).copied().unwrap_or("").trim();
                let place = |column: usize| format!("world, response {}, {}", i + 1, COLUMNS[column]);
                if fields.len() > COLUMNS.len() {
                    return Err(format!(
                        "world, response {}: {} fields, but a response has at most {} ({})",
                        i + 1,
                        fields.len(),
                        COLUMNS.len(),
                        COLUMNS.join(",")
                    ));
                }
                let name = match at(0) {
                    "" => default_name(i),
                    encoded => decode(encoded).map_err(|why| format!("{}: {why}", place(0)))?,
                };
                let field = |column: usize| -> Result<Option<f64>, String> {
                    match at(column) {
                        "" => Ok(None),
                        item => number(item)
                            .map(Some)
                            .ok_or_else(|| format!("{}: '{}' is not a finite number", place(column), clip(item))),
                    }
                };
                let reward =
                    field(1)?.ok_or_else(|| format!("{}: missing (every response needs a reward)", place(1)))?;
                let phi = match (field(2)?, field(3)?) {
                    (Some(a), Some(b)) => Some([a, b]),
                    (None, None) => None,
                    _ => return Err(format!("{}: give phi1 and phi2 together", place(2))),
                };
                Ok(Response {
                    name,
                    reward,
                    phi,
                    ref_logit: field(4)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Responses::new(list, "world")
    }

    /// A CSV file's text (`file` names it in errors).
    pub fn parse_csv(text: &str, file: &str) -> Result<Responses, String> {
        if text.len() > MAX_FILE_BYTES {
            return Err(format!("{file} is {} bytes: a world file has at most 1 MB", text.len()));
        }
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines
            .next()
            .ok_or_else(|| format!("{file} is empty: it needs the header {}", COLUMNS.join(",")))?;
        let header: Vec<String> = csv_fields(header.trim_start_matches('\u{feff}'))
            .map_err(|why| format!("{file}, line 1: {why}"))?
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut columns = [None; 5];
        for (k, h) in header.iter().enumerate() {
            match COLUMNS.iter().position(|c| c == h) {
                Some(c) if columns[c].is_some() => {
                    return Err(format!("{file}, line 1: the column {h} is given twice"))
                }
                Some(c) => columns[c] = Some(k),
                None if RUN_COLUMNS.contains(&h.as_str()) => {}
                None => {
                    return Err(format!(
                        "{file}, line 1: unknown column '{}' (the columns are {})",
                        clip(h),
                        COLUMNS.join(",")
                    ))
                }
            }
        }
        if columns[1].is_none() {
            return Err(format!(
                "{file}, line 1: no reward column (the header is {})",
                COLUMNS.join(",")
            ));
        }
        if columns[2].is_some() != columns[3].is_some() {
            return Err(format!("{file}, line 1: give the columns phi1 and phi2 together"));
        }
        let mut list = Vec::new();
        for (row, (line_index, content)) in lines.enumerate() {
            let line = line_index + 1;
            if row >= MAX_RESPONSES {
                return Err(format!("{file}, line {line}: more than {MAX_RESPONSES} responses"));
            }
            let fields = csv_fields(content).map_err(|why| format!("{file}, line {line}: {why}"))?;
            if fields.len() != header.len() {
                return Err(format!(
                    "{file}, line {line}: {} fields, but the header has {}",
                    fields.len(),
                    header.len()
                ));
            }
            let cell = |c: usize| columns[c].map(|k| fields[k].trim());
            let value = |c: usize| -> Result<Option<f64>, String> {
                match cell(c) {
                    None => Ok(None),
                    Some(item) => number(item).map(Some).ok_or_else(|| {
                        format!(
                            "{file}, line {line}, {}: '{}' is not a finite number",
                            COLUMNS[c],
                            clip(item)
                        )
                    }),
                }
            };
            let name = match cell(0) {
                None | Some("") => default_name(row),
                Some(name) => name.to_string(),
            };
            list.push(Response {
                name,
                reward: value(1)?.unwrap_or(f64::NAN),
                phi: match (value(2)?, value(3)?) {
                    (Some(a), Some(b)) => Some([a, b]),
                    _ => None,
                },
                ref_logit: value(4)?,
            });
        }
        Responses::new(list, file)
    }

    /// The text form: `("rewards", …)` for rewards under default names, else `("world", …)`.
    pub fn to_text(&self) -> (&'static str, String) {
        if self.is_rewards_only() {
            let text: Vec<String> = self.0.iter().map(|r| short(r.reward)).collect();
            return ("rewards", text.join(","));
        }
        let rows: Vec<String> = self
            .0
            .iter()
            .map(|r| {
                let mut fields = vec![encode(&r.name), short(r.reward)];
                if let Some([a, b]) = r.phi {
                    fields.extend([short(a), short(b)]);
                }
                if let Some(l) = r.ref_logit {
                    if r.phi.is_none() {
                        fields.extend([String::new(), String::new()]);
                    }
                    fields.push(short(l));
                }
                fields.join(",")
            })
            .collect();
        ("world", rows.join(";"))
    }
}

/// Text that parses back to the same bits (-0 kept): the fewest digits, written plainly
/// (0.002, as typed) unless that takes more than 12 characters and `{:e}` fewer (1e-300).
pub fn short(v: f64) -> String {
    let (plain, scientific) = (format!("{v}"), format!("{v:e}"));
    if plain.len() > 12 && scientific.len() < plain.len() {
        scientific
    } else {
        plain
    }
}

/// A finite number, or None.
fn number(text: &str) -> Option<f64> {
    parse_f64(text.trim()).filter(|v| v.is_finite())
}

/// Why a name is refused, if it is.
fn check_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count == 0 {
        return Err("is empty".into());
    }
    if count > MAX_NAME {
        return Err(format!(
            "'{}' is {count} characters long: at most {MAX_NAME}",
            clip(name)
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("'{}' holds a control character", clip(name)));
    }
    Ok(())
}

/// Characters a name keeps as they are in the text form; any other byte is written %XX.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~!*'()".contains(&b)
}

fn encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if plain(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("'{}' has a % not followed by two hex digits", clip(text)))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("'{}' is not UTF-8 once decoded", clip(text)))
}

/// One CSV line's fields: commas separate, a field in double quotes may hold commas and `""`.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("at least one field");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    Ok(fields)
}

/// One CSV field: quoted when it holds a comma, a quote or surrounding space.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewards_parse_exactly_and_refuse_by_position() {
        let r = Responses::parse_rewards("1, -0.5,2e-3,7").unwrap();
        let rewards: Vec<f64> = r.list().iter().map(|x| x.reward).collect();
        assert_eq!(rewards, vec![1.0, -0.5, 0.002, 7.0]);
        assert_eq!(r.to_text(), ("rewards", "1,-0.5,0.002,7".to_string()));
        let e = Responses::parse_rewards("1,2,NaN,4").unwrap_err();
        assert!(e.starts_with("rewards, value 3: 'NaN'"), "{e}");
        let e = Responses::parse_rewards("1,2,<b>3</b>,4").unwrap_err();
        assert!(e.contains("value 3") && e.contains("<b>3</b>"), "{e}");
        let e = Responses::parse_rewards("1,2,3").unwrap_err();
        assert!(e.contains("gives 3 responses") && e.contains("4 to 256"), "{e}");
        let many = vec!["1"; 257].join(",");
        assert!(Responses::parse_rewards(&many).unwrap_err().contains("gives 257"));
        assert!(Responses::parse_rewards("1,2,inf,4").unwrap_err().contains("value 3"));
        assert!(Responses::parse_rewards("1,,3,4").unwrap_err().contains("value 2"));
    }

    #[test]
    fn a_world_round_trips_its_text_bit_exactly() {
        let tricky = [0.1 + 0.2, -0.0, 1e-300, f64::MAX, 5e-324, -1.0 / 3.0];
        let list: Vec<Response> = tricky
            .iter()
            .enumerate()
            .map(|(i, &v)| Response {
                name: ["helpful", "a, b; c", "100% = sure", "verbose & long", "café", "#tag"][i].to_string(),
                reward: v,
                phi: Some([v, -v]),
                ref_logit: Some(v / 7.0),
            })
            .collect();
        let world = Responses::new(list, "test").unwrap();
        let (key, text) = world.to_text();
        assert_eq!(key, "world");
        assert!(!text.contains(['&', '=', '#', ' ']), "{text}");
        let back = Responses::parse_world(&text).unwrap();
        for (a, b) in world.list().iter().zip(back.list()) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.reward.to_bits(), b.reward.to_bits());
            assert_eq!(a.phi.map(|p| p.map(f64::to_bits)), b.phi.map(|p| p.map(f64::to_bits)));
            assert_eq!(a.ref_logit.map(f64::to_bits), b.ref_logit.map(f64::to_bits));
        }
    }

    #[test]
    fn optional_columns_may_be_absent() {
        let w = Responses::parse_world("helpful,2;verbose,1;refusal,-1;rude,-2").unwrap();
        assert!(!w.has_features() && !w.has_reference());
        let w = Responses::parse_world("a,2,,,1;b,1,,,3;c,0,,,0;d,-1,,,0").unwrap();
        assert!(!w.has_features() && w.has_reference());
        assert_eq!(Responses::parse_world(&w.to_text().1).unwrap(), w);
        // Default names and rewards only: the short form.
        let w = Responses::parse_world("r1,1;r2,2;r3,3;r4,4").unwrap();
        assert_eq!(w.to_text(), ("rewards", "1,2,3,4".to_string()));
    }

    #[test]
    fn world_errors_name_the_response_and_column() {
        let e = Responses::parse_world("a,1;b,x;c,3;d,4").unwrap_err();
        assert_eq!(e, "world, response 2, reward: 'x' is not a finite number");
        let e = Responses::parse_world("a,1,0,0;b,2;c,3,1,1;d,4,1,1").unwrap_err();
        assert!(e.contains("response 2") && e.contains("phi1 and phi2"), "{e}");
        let e = Responses::parse_world("a,1;a,2;c,3;d,4").unwrap_err();
        assert!(e.contains("response 2") && e.contains("twice"), "{e}");
        let long = "x".repeat(41);
        let e = Responses::parse_world(&format!("{long},1;b,2;c,3;d,4")).unwrap_err();
        assert!(e.contains("response 1") && e.contains("at most 40"), "{e}");
        let e = Responses::parse_world("a,1,2;b,2;c,3;d,4").unwrap_err();
        assert!(e.contains("response 1, phi1"), "{e}");
        assert!(Responses::parse_world("a%2,1;b,2;c,3;d,4").unwrap_err().contains("hex"));
        assert!(Responses::parse_world("a%0A,1;b,2;c,3;d,4")
            .unwrap_err()
            .contains("control"));
    }

    #[test]
    fn csv_reads_columns_by_name_and_names_bad_cells() {
        let text = "reward,name,ref\n2,helpful,0\n1,\"verbose, long\",2\n-1,refusal,0\n0,off topic,-1\n";
        let w = Responses::parse_csv(text, "w.csv").unwrap();
        assert_eq!(w.list()[1].name, "verbose, long");
        assert_eq!(w.list()[1].ref_logit, Some(2.0));
        assert!(!w.has_features());
        let e = Responses::parse_csv("name,reward\na,1\nb,oops\nc,3\nd,4\n", "w.csv").unwrap_err();
        assert_eq!(e, "w.csv, line 3, reward: 'oops' is not a finite number");
        let e = Responses::parse_csv("name,reward,colour\na,1,red\n", "w.csv").unwrap_err();
        assert!(e.contains("unknown column 'colour'"), "{e}");
        let e = Responses::parse_csv("name,reward,phi1\na,1,0\n", "w.csv").unwrap_err();
        assert!(e.contains("phi1 and phi2"), "{e}");
        let e = Responses::parse_csv("name,reward\na,1\nb\n", "w.csv").unwrap_err();
        assert!(e.contains("line 3") && e.contains("1 fields"), "{e}");
        let big = "x".repeat(MAX_FILE_BYTES + 1);
        assert!(Responses::parse_csv(&big, "w.csv")
            .unwrap_err()
            .contains("at most 1 MB"));
    }

    #[test]
    fn csv_fields_quote_what_needs_it() {
        for name in ["plain", "a, b", "say \"hi\"", " padded "] {
            let line = format!("{},1", csv_field(name));
            assert_eq!(csv_fields(&line).unwrap(), vec![name.to_string(), "1".to_string()]);
        }
    }
}
