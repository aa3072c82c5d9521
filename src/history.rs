//! A run's history in constant memory: old points are thinned, recent ones kept exactly.

use crate::metrics::{csv_line, COLUMNS};

/// One recorded step: its metrics and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub values: [f64; COLUMNS.len()],
    pub theta: Vec<f64>,
}

/// At most `capacity` records. When full, every other record of the older half is
/// dropped, so density falls off into the past while the first and the latest
/// records always stay.
#[derive(Clone, Debug)]
pub struct History {
    records: Vec<Record>,
    capacity: usize,
}

pub const DEFAULT_CAPACITY: usize = 2048;

impl History {
    pub fn new(capacity: usize) -> History {
        History {
            records: Vec::with_capacity(capacity),
            capacity: capacity.max(4),
        }
    }

    pub fn push(&mut self, record: Record) {
        if self.records.len() >= self.capacity {
            let half = self.records.len() / 2;
            let mut index = 0;
            self.records.retain(|_| {
                let keep = index >= half || index % 2 == 0;
                index += 1;
                keep
            });
        }
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

    /// The records as CSV: a header of [`COLUMNS`], one line per record, NaN (not
    /// defined) as an empty cell. The page's export and the runner's metrics.csv.
    pub fn to_csv(&self) -> String {
        let mut out = COLUMNS.join(",");
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
        let mut values = [0.0; COLUMNS.len()];
        values[0] = step as f64;
        Record {
            values,
            theta: vec![step as f64],
        }
    }

    #[test]
    fn memory_is_bounded_and_ends_are_exact() {
        let mut h = History::new(64);
        for step in 0..100_000 {
            h.push(record(step));
            assert!(h.len() <= 64);
        }
        let steps: Vec<f64> = h.series(0).map(|(s, _)| s).collect();
        assert_eq!(steps[0], 0.0);
        assert_eq!(*steps.last().unwrap(), 99_999.0);
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        // The most recent records are consecutive steps.
        assert!(steps[steps.len() - 16..].windows(2).all(|w| w[1] - w[0] == 1.0));
    }

    #[test]
    fn csv_has_the_columns_and_empty_cells_for_nan() {
        let mut h = History::new(8);
        let mut r = record(3);
        r.values[1] = 0.5;
        r.values[2] = f64::NAN;
        h.push(r);
        let csv = h.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], COLUMNS.join(","));
        let cells: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(&cells[..4], &["3", "0.5", "", "0"]);
    }
}
