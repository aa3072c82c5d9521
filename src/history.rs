//! A run's history in constant memory: the opening steps exactly (that is where the
//! stories happen and where the path turns), later steps evenly thinned, the latest exact.

use crate::format::csv_line;
use crate::metrics::{header, COUNT};

/// One recorded step: its metrics and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub values: [f64; COUNT],
    pub theta: Vec<f64>,
}

/// At most `capacity` records (one more for the latest step). The first `head` steps are
/// all kept; after them one step in `stride` is, and when that fills the capacity every
/// other one is dropped and the stride doubles, so the rest of the run stays evenly
/// sampled and keeps its shape. The latest step is always the last record.
#[derive(Clone, Debug)]
pub struct History {
    records: Vec<Record>,
    capacity: usize,
    head: usize,
    stride: u64,
    /// The last record is the latest step, off the stride's grid: the next push replaces it.
    loose: bool,
}

pub const DEFAULT_CAPACITY: usize = 2048;
/// Steps 0..=511 are always kept: a scenario's story plays out within them.
pub const DEFAULT_HEAD: usize = 512;

impl History {
    pub fn new(capacity: usize, head: usize) -> History {
        let capacity = capacity.max(8);
        History {
            records: Vec::with_capacity(capacity + 1),
            capacity,
            // The thinned tail needs room to thin.
            head: head.min(capacity / 2),
            stride: 1,
            loose: false,
        }
    }

    pub fn push(&mut self, record: Record) {
        if self.loose {
            self.records.pop();
        }
        let on_grid = |h: &History| match h.records.get(h.head) {
            Some(first) => ((record.values[0] - first.values[0]) as u64).is_multiple_of(h.stride),
            None => true,
        };
        if self.records.len() >= self.capacity && on_grid(self) {
            let head = self.head;
            let mut index = 0;
            self.records.retain(|_| {
                let keep = index < head || (index - head).is_multiple_of(2);
                index += 1;
                keep
            });
            self.stride *= 2;
        }
        self.loose = !on_grid(self);
        self.records.push(record);
    }

    /// Replaces the latest record (the step was re-measured under new settings).
    pub fn replace_last(&mut self, record: Record) {
        match self.records.last_mut() {
            Some(last) => *last = record,
            None => self.records.push(record),
        }
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// One column over the recorded steps, as (step, value).
    pub fn series(&self, column: usize) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.records.iter().map(move |r| (r.values[0], r.values[column]))
    }

    /// The records as CSV: a header of the metrics' keys, one line per record, NaN (not
    /// defined) as an empty cell. The page's export and the runner's metrics.csv.
    pub fn to_csv(&self) -> String {
        let mut out = header();
        out.push('\n');
        for r in &self.records {
            out.push_str(&csv_line(&r.values));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(step: usize) -> Record {
        let mut values = [0.0; COUNT];
        values[0] = step as f64;
        Record {
            values,
            theta: vec![step as f64],
        }
    }

    #[test]
    fn memory_is_bounded_and_ends_are_exact() {
        let mut h = History::new(64, 16);
        for step in 0..100_000 {
            h.push(record(step));
            assert!(h.len() <= 65);
        }
        let steps: Vec<f64> = h.series(0).map(|(s, _)| s).collect();
        assert_eq!(*steps.last().unwrap(), 99_999.0);
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        // The opening steps are all there.
        assert_eq!(steps[..16], (0..16).map(|s| s as f64).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn default_history_keeps_the_first_500_steps_after_5000() {
        let mut h = History::new(DEFAULT_CAPACITY, DEFAULT_HEAD);
        for step in 0..=5000 {
            h.push(record(step));
        }
        let steps: Vec<f64> = h.series(0).map(|(s, _)| s).collect();
        assert!((0..=500).all(|s| steps.contains(&(s as f64))));
        // The thinned part still covers the run evenly: gaps of one stride.
        let widest = steps.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        assert!(widest <= 4.0, "widest gap {widest}");
    }

    #[test]
    fn long_runs_stay_evenly_sampled() {
        let mut h = History::new(256, 64);
        for step in 0..=100_000 {
            h.push(record(step));
            assert!(h.len() <= 257);
        }
        let steps: Vec<f64> = h.series(0).map(|(s, _)| s).collect();
        assert_eq!(*steps.last().unwrap(), 100_000.0);
        // Between the opening and the latest step, every gap is the same stride.
        let gaps: Vec<f64> = steps[64..steps.len() - 1].windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| *g == gaps[0]), "{gaps:?}");
        assert!(gaps[0] <= 1024.0 && steps.len() > 150);
    }

    #[test]
    fn csv_has_the_columns_and_empty_cells_for_nan() {
        let mut h = History::new(8, 0);
        let mut r = record(3);
        r.values[1] = 0.5;
        r.values[2] = f64::NAN;
        h.push(r);
        let csv = h.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], header());
        let cells: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(cells.len(), COUNT);
        assert_eq!(&cells[..4], &["3", "0.5", "", "0"]);
    }
}
