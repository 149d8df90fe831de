//! Rule windows: cutting time-sorted events into consecutive windows aligned to the Unix epoch
//! (so a window never depends on where the range starts). A rule's `window = "30m"` is read by
//! [`crate::time::parse_duration`].

/// One non-empty window over time-sorted rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSlice {
    /// Window start (inclusive, unix seconds).
    pub start: i64,
    /// Window end (exclusive).
    pub end: i64,
    /// First row of the window.
    pub offset: usize,
    /// Number of rows.
    pub len: usize,
}

/// Cuts ascending `times` into consecutive epoch-aligned windows of `width` seconds; only
/// windows holding at least one row are returned.
pub fn slices(times: &[i64], width: i64) -> Vec<WindowSlice> {
    let mut out: Vec<WindowSlice> = Vec::new();
    for (i, &t) in times.iter().enumerate() {
        let start = t.div_euclid(width) * width;
        match out.last_mut() {
            Some(w) if w.start == start => w.len += 1,
            _ => out.push(WindowSlice {
                start,
                end: start + width,
                offset: i,
                len: 1,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_epoch_aligned_and_skip_empty_ones() {
        let times = [1799, 1800, 1801, 3599, 7200, 9000];
        assert_eq!(
            slices(&times, 1800),
            vec![
                WindowSlice {
                    start: 0,
                    end: 1800,
                    offset: 0,
                    len: 1
                },
                WindowSlice {
                    start: 1800,
                    end: 3600,
                    offset: 1,
                    len: 3
                },
                WindowSlice {
                    start: 7200,
                    end: 9000,
                    offset: 4,
                    len: 1
                },
                WindowSlice {
                    start: 9000,
                    end: 10800,
                    offset: 5,
                    len: 1
                },
            ]
        );
        assert_eq!(slices(&[], 60), vec![]);
        assert_eq!(slices(&[-1], 60)[0].start, -60);
    }
}
