//! Rule windows: durations like `30m`, and cutting time-sorted events into consecutive windows
//! aligned to the Unix epoch (so a window never depends on where the range starts).

/// Parses a duration: a positive integer followed by `s`, `m`, `h` or `d` (e.g. `30m`, `1d`).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("bad duration {text:?}: use e.g. 15m, 1h, 1d"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("bad duration unit in {text:?}: use s, m, h or d")),
    };
    if n <= 0 {
        return Err(format!("duration {text:?} must be positive"));
    }
    n.checked_mul(scale)
        .ok_or_else(|| format!("duration {text:?} is too long"))
}

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
    fn durations() {
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration(" 1d "), Ok(86_400));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert!(parse_duration("0m").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5w").is_err());
    }

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
