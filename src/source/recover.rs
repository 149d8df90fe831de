//! Resuming after a damaged array element or top-level value, so that one broken record loses
//! only itself.
//!
//! The rule: a damaged value (one that does not parse, or that the input ends inside) may have
//! been cut at the wrong place, because a lost quote or bracket misleads the splitter about
//! strings and depth. So its bytes are searched, from the second byte on, for the first
//! *candidate* element start: a `{` followed by `"` (after optional whitespace), preceded
//! (after optional whitespace) by `,`, `}`, `]` or `[`, or by a line break. A candidate is taken
//! when the value starting there is complete (read on from the input if need be, at most
//! [`MAX_CANDIDATE_BYTES`]), is valid JSON, and looks like an element of an archive (an event
//! with `eventId`/`eventName`/`eventType`, an SLS record or a LookupEvents page): that rules out
//! the nested objects of the damaged event itself. The bytes before the candidate are rejected
//! with their byte range; reading goes on at the candidate. Without a candidate, a value the
//! splitter saw complete is rejected alone and reading goes on after it; one the input ends
//! inside ends the read.
//!
//! Limits: an element whose own boundary was destroyed (its closing `}` and the `,` after it)
//! is rejected together with the damaged one; a valid element that does not look like an event
//! (no event key) right after damage is rejected with it; the work spent on damage (the damaged
//! bytes, scanned again from a candidate on, and the candidates checked) is bounded per file
//! ([`RESYNC_WORK_BASE`] plus eight times the bytes read), so hostile input costs at most a
//! constant times its size; past that, damage is rejected without looking for the next element
//! and a problem says so. A damaged value is held in memory while it is searched, so memory
//! follows the largest damaged stretch (at most the file, under `--max-decompressed-bytes`).

use std::io::BufRead;

use serde::de::IgnoredAny;

use super::decode::stop_reason;
use super::framing::{invalid_json, FileReader, Taken};
use super::scanner::{enclosing_object_end, Scanner, Splitter};
use super::{item, ItemKind};

/// The longest candidate element checked while resuming.
const MAX_CANDIDATE_BYTES: usize = 8 << 20;
/// Bytes that checking candidates may scan in one file, besides eight per byte read.
const RESYNC_WORK_BASE: u64 = 64 << 20;

impl FileReader<'_> {
    /// Recovers from the damaged value read into `region` (it started at byte `start`; the
    /// splitter saw it `complete` or not), as the module documentation describes.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn recover<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        region: &mut Vec<u8>,
        start: u64,
        position: String,
        why: String,
        complete: bool,
        gzip: bool,
    ) -> Taken {
        let extent = region.len();
        // The damaged bytes are scanned again from the candidate on: that counts as work too.
        self.resync_work += extent as u64;
        let found = self.resume_point(sc, region, extent, complete);
        let (at, after) = match found {
            Ok(found) => found,
            Err(e) => {
                self.reject(position, why, region);
                self.problem(stop_reason(&e, gzip, sc.offset()));
                return Taken::Stop;
            }
        };
        if let Some(at) = at {
            let broken = trim_separator(&region[..at]);
            let end = start + broken.len() as u64;
            let resumed = start + at as u64;
            let why = match serde_json::from_slice::<IgnoredAny>(broken) {
                Err(e) => invalid_json(&e, broken),
                Ok(_) => why,
            };
            let reason = format!(
                "{why}; bytes {start}..{end} rejected, reading resumed at the next element (byte {resumed})"
            );
            self.reject(position, reason, broken);
            sc.push_back(&region[at..]);
            return Taken::Resumed;
        }
        sc.push_back(&region[extent..]);
        region.truncate(extent);
        // An object the splitter saw closed by a `]` that the array's (or page's) end follows
        // lost its `}`: that `]` ends the array.
        if complete && extent > 1 && region[0] == b'{' && region[extent - 1] == b']' && after {
            sc.push_back(b"]");
            region.truncate(extent - 1);
        }
        self.reject(position, why, region);
        if complete {
            return Taken::Done;
        }
        self.problem(format!(
            "input ends inside a record that starts at byte {start}"
        ));
        Taken::Stop
    }

    /// Where reading resumes in `region` (damaged bytes up to `extent`), if a candidate is
    /// found; and whether what follows `extent` looks like the end of an array (the end of
    /// input, `]`, `}`, or `,` then `"`). A complete value followed by anything but a separator
    /// was cut in the wrong place: candidates are then looked for past its end too, reading on.
    fn resume_point<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        region: &mut Vec<u8>,
        extent: usize,
        complete: bool,
    ) -> std::io::Result<(Option<usize>, bool)> {
        let (mut extend, mut after) = (false, false);
        if complete {
            let next = non_ws_after(sc, region, extent)?;
            extend = matches!(next, Some((_, b)) if !b",]}{[".contains(&b));
            after = match next {
                None | Some((_, b']' | b'}')) => true,
                Some((i, b',')) => matches!(non_ws_after(sc, region, i + 1)?, Some((_, b'"'))),
                Some(_) => false,
            };
        }
        let (mut from, mut limit) = (1, extent);
        loop {
            while let Some(at) = next_candidate(region, from, limit) {
                if self.check_candidate(sc, region, at)? {
                    return Ok((Some(at), after));
                }
                if self.resync_gave_up {
                    return Ok((None, after));
                }
                from = at + 1;
            }
            from = limit;
            if !extend || self.over_budget(sc.offset()) {
                return Ok((None, after));
            }
            if region.len() == limit && !sc.read_more(region)? {
                return Ok((None, after));
            }
            self.resync_work += (region.len() - limit) as u64;
            limit = region.len();
        }
    }

    /// Whether the work on damage went over its budget (said once, as a problem).
    fn over_budget(&mut self, offset: u64) -> bool {
        if self.resync_work > RESYNC_WORK_BASE + 8 * offset && !self.resync_gave_up {
            self.resync_gave_up = true;
            self.problem(
                "too much damage: stopped looking for the next element after damaged ones"
                    .to_string(),
            );
        }
        self.resync_gave_up
    }

    /// Whether the value starting at `region[at]` is a complete element (reading more of the
    /// input into `region` while it is not complete yet).
    fn check_candidate<R: BufRead>(
        &mut self,
        sc: &mut Scanner<R>,
        region: &mut Vec<u8>,
        at: usize,
    ) -> std::io::Result<bool> {
        let mut splitter = Splitter::default();
        let mut fed = at;
        loop {
            if self.over_budget(sc.offset()) {
                return Ok(false);
            }
            self.resync_work += (region.len() - fed) as u64;
            if let Some(len) = splitter.feed(&region[fed..]) {
                self.resync_work += len as u64;
                return Ok(item::is_element_like(&region[at..at + len]));
            }
            fed = region.len();
            if fed - at > MAX_CANDIDATE_BYTES || !sc.read_more(region)? {
                return Ok(false);
            }
        }
    }

    /// A top-level value in `region` (from byte `start`, read at `position`) that is not
    /// valid JSON but holds an `"Events": [` array, as a LookupEvents page does: its events are
    /// read one by one (with the same recovery), named `<position> Events[<i>]`. `None` when
    /// `region` holds no such array; else where the page ends in `region`, if it does.
    pub(super) fn read_damaged_page(
        &mut self,
        region: &[u8],
        start: u64,
        position: &str,
        why: &str,
    ) -> Option<Option<usize>> {
        let open = find_events_array(region)?;
        self.kind.get_or_insert(ItemKind::Lookup);
        self.problem(format!(
            "LookupEvents page at {position} is damaged ({why}): its events were read one by one"
        ));
        let base = start + open as u64 + 1;
        let mut sub = Scanner::with_position(&region[open + 1..], base, 1);
        let label = |i: u64, _: u64| format!("{position} Events[{i}]");
        let mut buf = Vec::new();
        let mut index = 0;
        self.in_page = true;
        let end = loop {
            let (ended, next) = self.read_array_elements(&mut sub, &mut buf, false, &label, index);
            index = next;
            let used = open + 1 + (sub.offset() - base) as usize;
            if !ended {
                break None;
            }
            // The array ended: the page's other members must follow, else that `]` was damage.
            let rest = &region[used..];
            if let Some(end) = enclosing_object_end(rest).filter(|&e| members_are_valid(&rest[..e]))
            {
                break Some(used + end);
            }
            self.problem(format!(
                "a stray ']' ends the Events array of the page at {position} early, before byte {}: the elements after it were read too",
                sub.offset()
            ));
        };
        self.in_page = false;
        Some(end)
    }
}

/// Whether `members` (what follows the first member of an object, up to its closing `}`) are
/// valid JSON object members.
fn members_are_valid(members: &[u8]) -> bool {
    let object = [&b"{\"\":0"[..], members].concat();
    serde_json::from_slice::<IgnoredAny>(&object).is_ok()
}

/// The first non-whitespace byte of `region` from `from` on, with its index (reading more of
/// the input into `region` as needed); `None` at the end of input.
fn non_ws_after<R: BufRead>(
    sc: &mut Scanner<R>,
    region: &mut Vec<u8>,
    from: usize,
) -> std::io::Result<Option<(usize, u8)>> {
    let mut at = from;
    loop {
        if let Some(i) = region[at.min(region.len())..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
        {
            let i = at + i;
            return Ok(Some((i, region[i])));
        }
        at = region.len().max(from);
        if !sc.read_more(region)? {
            return Ok(None);
        }
    }
}

/// The first candidate element start in `region[from..limit]` (see the module documentation).
fn next_candidate(region: &[u8], from: usize, limit: usize) -> Option<usize> {
    let mut at = from;
    while at < limit {
        let brace = at + memchr::memchr(b'{', &region[at..limit])?;
        if brace > 0 && boundary_before(&region[..brace]) && starts_key(&region[brace + 1..]) {
            return Some(brace);
        }
        at = brace + 1;
    }
    None
}

/// Whether the bytes before a `{` end like an element boundary.
fn boundary_before(before: &[u8]) -> bool {
    let text = before.trim_ascii_end();
    before[text.len()..].contains(&b'\n') || matches!(text.last(), Some(b',' | b'}' | b']' | b'['))
}

/// Whether the bytes after a `{` start a key (or are not there yet).
fn starts_key(after: &[u8]) -> bool {
    match after.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b) => *b == b'"',
        None => true,
    }
}

/// `bytes` without trailing whitespace and one trailing `,`.
fn trim_separator(bytes: &[u8]) -> &[u8] {
    let text = bytes.trim_ascii_end();
    text.strip_suffix(b",").unwrap_or(text).trim_ascii_end()
}

/// Where the `[` of an `"Events"` key's array value sits in `region` (key in any letter case).
fn find_events_array(region: &[u8]) -> Option<usize> {
    const KEY: &[u8] = b"\"events\"";
    let mut at = 0;
    while at + KEY.len() <= region.len() {
        let quote = at + memchr::memchr(b'"', &region[at..])?;
        let key = region.get(quote..quote + KEY.len())?;
        if key.eq_ignore_ascii_case(KEY) {
            let rest = &region[quote + KEY.len()..];
            let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
            if rest[colon] == b':' {
                let value = rest[colon + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())?;
                if rest[colon + 1 + value] == b'[' {
                    return Some(quote + KEY.len() + colon + 1 + value);
                }
            }
        }
        at = quote + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_object_starts_after_a_boundary() {
        let text = br#"{"a":{"b":1},"c":[{"d":2}, {"e":3}],"f":"x},{\"g\":1}"}
{"h":4}"#;
        let mut found = Vec::new();
        let mut from = 1;
        while let Some(at) = next_candidate(text, from, text.len()) {
            found.push(String::from_utf8_lossy(&text[at..at + 6]).into_owned());
            from = at + 1;
        }
        assert_eq!(found, [r#"{"d":2"#, r#"{"e":3"#, r#"{"h":4"#]);
        assert_eq!(trim_separator(b"{\"a\":1} ,\n "), b"{\"a\":1}");
    }

    #[test]
    fn events_array_is_found_in_any_letter_case() {
        let page = br#"{"RequestId":"r","events" : [ {"eventId":"a"}]}"#;
        assert_eq!(find_events_array(page).map(|i| page[i]), Some(b'['));
        assert_eq!(find_events_array(br#"{"Events":"[]"}"#), None);
        assert_eq!(find_events_array(br#"{"x":"Events"}"#), None);
    }
}
