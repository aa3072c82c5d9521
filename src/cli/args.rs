//! The flags of `run` and `sweep`, read with lexopt: `--key value` and `--key=value` alike;
//! a flag given twice (except `--set`), two flags that exclude each other, and anything
//! unknown are refused by name.

use lexopt::{Arg, Parser};

use crate::settings::clip;

/// A flag: its name without the dashes, and what its value is called (None: a switch).
pub struct Flag {
    pub name: &'static str,
    pub value: Option<&'static str>,
}

const fn takes(name: &'static str, value: &'static str) -> Flag {
    Flag {
        name,
        value: Some(value),
    }
}

const fn switch(name: &'static str) -> Flag {
    Flag { name, value: None }
}

pub const PRESET: Flag = takes("preset", "NAME");
pub const SET: Flag = takes("set", "key=value");
pub const STEPS: Flag = takes("steps", "N");
pub const OUT: Flag = takes("out", "DIR");
pub const PNG: Flag = switch("png");
pub const LOG_STEPS: Flag = switch("log-steps");
pub const EVERY: Flag = takes("every", "K");
pub const OVER: Flag = takes("over", "KEY");
pub const VALUES: Flag = takes("values", "V1,V2,...");
pub const GRID: Flag = takes("grid", "N");
pub const SERIES: Flag = switch("series");
pub const QUIET: Flag = switch("quiet");
pub const WORLD: Flag = takes("world", "FILE.csv");

/// The one flag that may be given more than once: each `--set` adds to the last.
const REPEATABLE: Flag = SET;
/// Flags that exclude each other.
const CONFLICTS: [(Flag, Flag); 1] = [(VALUES, GRID)];

/// The flags given, in order, with their values.
pub struct Args {
    given: Vec<(&'static str, Option<String>)>,
}

/// Reads `args` (after the command's name) against the flags the command takes.
pub fn parse(args: &[String], flags: &[Flag], usage: &str) -> Result<Args, String> {
    let unknown = |what: &str| format!("unknown argument '{}'\n{usage}", clip(what));
    let mut parser = Parser::from_args(args);
    let mut given: Vec<(&'static str, Option<String>)> = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| lexopt_message(e, &unknown))? {
        let flag = match arg {
            Arg::Long(name) => flags
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| unknown(&format!("--{name}")))?,
            Arg::Short(c) => return Err(unknown(&format!("-{c}"))),
            Arg::Value(v) => return Err(unknown(&v.to_string_lossy())),
        };
        let value = match flag.value {
            Some(_) => Some(
                parser
                    .value()
                    .map_err(|e| lexopt_message(e, &unknown))?
                    .into_string()
                    .map_err(|_| format!("the value of --{} is not valid UTF-8", flag.name))?,
            ),
            None => None,
        };
        if flag.name != REPEATABLE.name && given.iter().any(|(n, _)| *n == flag.name) {
            return Err(format!("--{} is given twice: give it once", flag.name));
        }
        given.push((flag.name, value));
    }
    let args = Args { given };
    for (a, b) in CONFLICTS {
        if args.has(&a) && args.has(&b) {
            return Err(format!("give --{} or --{}, not both", a.name, b.name));
        }
    }
    Ok(args)
}

/// lexopt's complaints in this command line's words.
fn lexopt_message(e: lexopt::Error, unknown: &dyn Fn(&str) -> String) -> String {
    match e {
        lexopt::Error::MissingValue { option: Some(o) } => format!("{o} needs a value"),
        lexopt::Error::UnexpectedValue { option, value } => {
            format!("{option} takes no value, not '{}'", clip(&value.to_string_lossy()))
        }
        lexopt::Error::UnexpectedArgument(v) => unknown(&v.to_string_lossy()),
        other => other.to_string(),
    }
}

fn missing(flag: &Flag, command: &str) -> String {
    format!("{command} needs --{} {}", flag.name, flag.value.unwrap_or_default())
}

impl Args {
    pub fn has(&self, flag: &Flag) -> bool {
        self.given.iter().any(|(n, _)| *n == flag.name)
    }

    /// The value of a flag given once.
    pub fn value(&self, flag: &Flag) -> Option<&str> {
        self.given
            .iter()
            .find(|(n, _)| *n == flag.name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable flag, in order.
    pub fn values<'a>(&'a self, flag: &'a Flag) -> impl Iterator<Item = &'a str> + 'a {
        self.given
            .iter()
            .filter(move |(n, _)| *n == flag.name)
            .filter_map(|(_, v)| v.as_deref())
    }

    /// The value of a flag the command cannot do without.
    pub fn need(&self, flag: &Flag, command: &str) -> Result<&str, String> {
        self.value(flag).ok_or_else(|| missing(flag, command))
    }

    /// The whole number a command cannot do without (see [`Args::whole`]).
    pub fn need_whole(&self, flag: &Flag, min: u64, command: &str) -> Result<u64, String> {
        self.whole(flag, min)?.ok_or_else(|| missing(flag, command))
    }

    /// A flag's value as a whole number of at least `min` (None when not given).
    pub fn whole(&self, flag: &Flag, min: u64) -> Result<Option<u64>, String> {
        self.value(flag)
            .map(|text| {
                text.trim().parse::<u64>().ok().filter(|v| *v >= min).ok_or_else(|| {
                    format!(
                        "--{0} = '{1}' is not allowed: --{0} must be a whole number from {min} up",
                        flag.name,
                        clip(text)
                    )
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(args: &[&str]) -> Result<Args, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        parse(&args, &[PRESET, SET, STEPS, PNG, VALUES, GRID], "usage: test")
    }

    #[test]
    fn values_come_after_a_space_or_an_equals_sign() {
        let a = read(&[
            "--preset=support",
            "--steps",
            "10",
            "--set",
            "n=10",
            "--set=seed=3",
            "--png",
        ])
        .unwrap();
        assert_eq!(a.value(&PRESET), Some("support"));
        assert_eq!(a.whole(&STEPS, 0), Ok(Some(10)));
        assert_eq!(a.values(&SET).collect::<Vec<_>>(), ["n=10", "seed=3"]);
        assert!(a.has(&PNG) && !a.has(&GRID));
        assert_eq!(a.need(&GRID, "sweep").unwrap_err(), "sweep needs --grid N");
    }

    #[test]
    fn repeated_conflicting_unknown_and_malformed_flags_are_refused_by_name() {
        for (args, message) in [
            (
                &["--steps", "10", "--steps=20"][..],
                "--steps is given twice: give it once",
            ),
            (
                &["--values", "0,1", "--grid", "3"][..],
                "give --values or --grid, not both",
            ),
            (&["--steps"][..], "--steps needs a value"),
            (&["--png=1"][..], "--png takes no value, not '1'"),
            (&["--colour", "red"][..], "unknown argument '--colour'\nusage: test"),
            (&["-x"][..], "unknown argument '-x'\nusage: test"),
            (&["stray"][..], "unknown argument 'stray'\nusage: test"),
        ] {
            assert_eq!(read(args).err().as_deref(), Some(message), "{args:?}");
        }
        let a = read(&["--steps", "-3"]).unwrap();
        assert_eq!(
            a.whole(&STEPS, 1).unwrap_err(),
            "--steps = '-3' is not allowed: --steps must be a whole number from 1 up"
        );
    }
}
