//! The report model: the one value every command builds and every output format writes. A
//! command computes its results, lays them out as a [`Report`] (metadata, ordered [`Block`]s,
//! [`Note`]s) and hands it to a writer (`table`, `csv`, `json`, `ndjson`; `html`, `md`); the
//! same writer serves stdout and `--output FILE`. Writers only lay out what the model holds:
//! a new format is one writer, a new command never touches a writer.
//!
//! How each writer reads the model:
//! - human writers (`table`, `md`, `html`) show every block in order: lines, tables with their
//!   captions, histograms as bars, events (as a table in terminals, as their stored JSON in
//!   documents), findings as a table, facts, preformatted text;
//! - `csv` writes the report's [primary](Report::primary) block as one CSV table;
//! - `ndjson` writes the primary block's rows, one JSON value a line;
//! - `json` writes one object: `command`, the [metadata](Report::meta) members, one member per
//!   named block (sections nest), and `notes` (always present, an array of strings) last.
//!
//! Text in the model is raw (as the events hold it) unless marked [`TextForm::Visible`]; the
//! writers make it safe for their medium (`escape::visible` for terminals, `escape::json_text`
//! for JSON).

use polars::prelude::DataFrame;
use serde_json::Value;

use crate::detect::Finding;
use crate::histogram::Histogram;
use crate::time::Zone;

/// One command's result, ready for any writer.
#[derive(Clone)]
pub struct Report {
    /// The command that built it, as typed: `query`, `kms usage`, `detect`, `report`.
    pub command: String,
    /// A title for writers that show one (html, md); `None` for most commands.
    pub title: Option<String>,
    /// Facts about the run, in order (the statement run, the key asked for, the time range):
    /// JSON members written after `command`, a header for html and md.
    pub meta: Vec<(String, Value)>,
    /// The zone times are shown in.
    pub zone: Zone,
    /// The content, in the order human writers show it.
    pub blocks: Vec<Block>,
    /// Notes for the user, each once: on stderr (before the output) and in JSON `notes`.
    pub notes: Vec<Note>,
}

impl Report {
    /// An empty report of `command`, showing times in `zone`.
    pub fn new(command: &str, zone: Zone) -> Report {
        Report {
            command: command.to_string(),
            title: None,
            meta: Vec::new(),
            zone,
            blocks: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a metadata member.
    pub fn meta(&mut self, key: &str, value: impl Into<Value>) -> &mut Report {
        self.meta.push((key.to_string(), value.into()));
        self
    }

    /// Appends a block.
    pub fn push(&mut self, block: impl Into<Block>) -> &mut Report {
        self.blocks.push(block.into());
        self
    }

    /// Appends a line of text for human writers.
    pub fn line(&mut self, text: impl Into<String>) -> &mut Report {
        self.push(Line::text(text))
    }

    /// Adds a note unless the same text is already there.
    pub fn note(&mut self, note: Note) -> &mut Report {
        if !self.notes.iter().any(|n| n.text == note.text) {
            self.notes.push(note);
        }
        self
    }

    /// Adds each of `texts` as a note of `kind` (once each).
    pub fn notes<'a>(
        &mut self,
        kind: NoteKind,
        texts: impl IntoIterator<Item = &'a String>,
    ) -> &mut Report {
        for text in texts {
            self.note(Note::new(kind, text.clone()));
        }
        self
    }

    /// The block `csv`, `ndjson` and `--output FILE.parquet` write: the first block marked
    /// primary (sections searched in order), else the first table, events, findings or
    /// histogram block.
    pub fn primary(&self) -> Option<&Block> {
        let all = || self.blocks.iter().flat_map(Block::flatten);
        all()
            .find(|b| b.is_primary())
            .or_else(|| all().find(|b| b.holds_data()))
    }

    /// Every line of role [`LineRole::Status`], in order (data writers leave them out of the
    /// output; they go to stderr instead).
    pub fn status_lines(&self) -> impl Iterator<Item = &Line> {
        self.blocks
            .iter()
            .flat_map(Block::flatten)
            .filter_map(|b| match b {
                Block::Line(line) if line.role == LineRole::Status => Some(line),
                _ => None,
            })
    }
}

/// One piece of a report.
#[derive(Clone)]
pub enum Block {
    /// A line of text (human writers only, or stderr for a status line).
    Line(Line),
    /// A table of rows.
    Table(Table),
    /// Counts per time bucket.
    Histogram(HistogramBlock),
    /// Stored events, shown as they are stored.
    Events(Events),
    /// Detection findings.
    Findings(Findings),
    /// Named facts: `key: value` lines for people, an object in JSON.
    Fields(Fields),
    /// A titled group of blocks (a report's sections).
    Section(Section),
    /// Preformatted text kept line for line: an event's JSON, a rule's query, a query plan.
    Code(Code),
    /// A chart's numbers (writers draw it: SVG in html, block characters in text).
    Chart(super::chart::Chart),
}

impl Block {
    /// The JSON member name of the block (`None` for lines).
    pub fn name(&self) -> Option<&str> {
        match self {
            Block::Line(_) => None,
            Block::Table(t) => Some(&t.name),
            Block::Histogram(h) => Some(&h.name),
            Block::Events(e) => Some(&e.name),
            Block::Findings(f) => Some(&f.name),
            Block::Fields(f) => Some(&f.name),
            Block::Section(s) => Some(&s.name),
            Block::Code(c) => Some(&c.name),
            Block::Chart(c) => Some(&c.name),
        }
    }

    /// Whether the block is marked as the report's primary block.
    pub fn is_primary(&self) -> bool {
        match self {
            Block::Table(t) => t.primary,
            Block::Histogram(h) => h.primary,
            Block::Events(e) => e.primary,
            Block::Findings(f) => f.primary,
            Block::Line(_)
            | Block::Fields(_)
            | Block::Section(_)
            | Block::Code(_)
            | Block::Chart(_) => false,
        }
    }

    /// Whether the block holds rows a data writer can write.
    pub fn holds_data(&self) -> bool {
        matches!(
            self,
            Block::Table(_) | Block::Histogram(_) | Block::Events(_) | Block::Findings(_)
        )
    }

    /// This block followed by every block nested in it, depth first.
    pub fn flatten(&self) -> Box<dyn Iterator<Item = &Block> + '_> {
        match self {
            Block::Section(s) => {
                Box::new(std::iter::once(self).chain(s.blocks.iter().flat_map(Block::flatten)))
            }
            _ => Box::new(std::iter::once(self)),
        }
    }
}

/// A line of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text, without a line break.
    pub text: String,
    /// Where it goes.
    pub role: LineRole,
    /// Whether the text is raw or already in its visible form.
    pub form: TextForm,
}

impl Line {
    /// A line of raw text for human writers.
    pub fn text(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            role: LineRole::Text,
            form: TextForm::Raw,
        }
    }

    /// A status line ("5 events matched"): in place for human writers, on stderr otherwise.
    pub fn status(text: impl Into<String>) -> Line {
        Line {
            role: LineRole::Status,
            ..Line::text(text)
        }
    }

    /// A line already in its visible form (built from `escape::visible_path` and the like).
    pub fn shown(text: impl Into<String>) -> Line {
        Line {
            form: TextForm::Visible,
            ..Line::text(text)
        }
    }
}

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRole {
    /// Human writers show it; data writers leave it out.
    Text,
    /// Human writers show it in place; with a data writer it goes to stderr after the output.
    Status,
}

/// Whether a text is raw or already escaped for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextForm {
    /// As the data holds it: writers escape it.
    Raw,
    /// Already in `escape::visible` form: writers show it as it is.
    Visible,
}

/// A table.
#[derive(Clone)]
pub struct Table {
    /// The JSON member name (`rows`, `keys`) and the anchor of html writers.
    pub name: String,
    /// A caption that human writers show above the table.
    pub caption: Option<String>,
    /// The cells human writers show (and CSV, JSON and NDJSON unless overridden below).
    pub cells: Cells,
    /// The cells CSV writes when they differ from the shown ones (complete, not condensed).
    pub csv: Option<Cells>,
    /// The rows JSON and NDJSON write when they differ from the cells (nested values).
    pub json: Option<Vec<Value>>,
    /// "Top N of M": how many rows are shown of how many there are.
    pub counts: Option<Counts>,
    /// What human writers print when the table has no rows (`None`: the header alone).
    pub empty: Option<String>,
    /// Cells that point to an anchor of the same document (the html writer makes them links;
    /// the others show the text alone).
    pub links: Vec<Link>,
    /// Whether this is the report's primary block.
    pub primary: bool,
}

/// A cell of a table that points to the block (or section) named `target` in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The row, from 0.
    pub row: usize,
    /// The column, from 0.
    pub column: usize,
    /// The name of the block it points to (its html id).
    pub target: String,
}

impl Table {
    /// A table named `name` of `cells`, with nothing else set.
    pub fn new(name: &str, cells: Cells) -> Table {
        Table {
            name: name.to_string(),
            caption: None,
            cells,
            csv: None,
            json: None,
            counts: None,
            empty: None,
            links: Vec::new(),
            primary: false,
        }
    }

    /// The same table marked primary.
    pub fn primary(self) -> Table {
        Table {
            primary: true,
            ..self
        }
    }

    /// The same table saying `text` when it has no rows.
    pub fn when_empty(self, text: &str) -> Table {
        Table {
            empty: Some(text.to_string()),
            ..self
        }
    }
}

/// The cells of a table.
#[derive(Clone)]
pub enum Cells {
    /// A result frame: column names as headers, number columns right-aligned.
    Frame(DataFrame),
    /// Cells already laid out as text.
    Text(TextTable),
}

impl Cells {
    /// The number of rows.
    pub fn height(&self) -> usize {
        match self {
            Cells::Frame(df) => df.height(),
            Cells::Text(t) => t.rows.len(),
        }
    }
}

/// Text cells with their columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextTable {
    /// The columns, in order.
    pub columns: Vec<TextColumn>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<String>>,
}

impl TextTable {
    /// Columns named `names`; those in `numeric` hold numbers.
    pub fn new(names: &[&str], numeric: &[&str]) -> TextTable {
        TextTable {
            columns: names
                .iter()
                .map(|n| TextColumn {
                    name: n.to_string(),
                    numeric: numeric.contains(n),
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// The column names.
    pub fn headers(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Whether each column holds numbers.
    pub fn numeric(&self) -> Vec<bool> {
        self.columns.iter().map(|c| c.numeric).collect()
    }
}

/// One column of a [`TextTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextColumn {
    /// The header.
    pub name: String,
    /// Whether it holds numbers (right-aligned, never formula-guarded).
    pub numeric: bool,
}

/// How many rows are shown of how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Rows shown.
    pub shown: usize,
    /// Rows there are.
    pub total: usize,
}

/// A histogram.
#[derive(Clone)]
pub struct HistogramBlock {
    /// The JSON member name.
    pub name: String,
    /// The buckets.
    pub histogram: Histogram,
    /// Whether this is the report's primary block.
    pub primary: bool,
}

/// Stored events.
#[derive(Clone)]
pub struct Events {
    /// The JSON member name.
    pub name: String,
    /// A caption that human writers show above the events.
    pub caption: Option<String>,
    /// The events: JSON writers write its `event` column (the stored text, unparsed); human
    /// writers show every column as a table.
    pub frame: DataFrame,
    /// How JSON lays each event out inside a document.
    pub layout: EventLayout,
    /// Whether this is the report's primary block.
    pub primary: bool,
}

/// Further frames of a report's primary [`Events`] block that arrive while the report is
/// written (raw logs over any range, in bounded memory): each call gives the next frame (the
/// block's columns), `None` at the end. See [`crate::render::Writer::write_streamed`].
pub type MoreEvents<'a> = dyn FnMut() -> std::io::Result<Option<DataFrame>> + 'a;

/// How an event is laid out inside a JSON document (NDJSON always writes it compact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLayout {
    /// One line, as stored.
    Compact,
    /// Indented as `serde_json` pretty-prints, every number as stored.
    Pretty,
}

/// Detection findings.
#[derive(Clone)]
pub struct Findings {
    /// The JSON member name.
    pub name: String,
    /// The findings, in the order shown.
    pub items: Vec<Finding>,
    /// Whether this is the report's primary block.
    pub primary: bool,
}

/// Named facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    /// The JSON member name.
    pub name: String,
    /// A caption that human writers show above the facts.
    pub caption: Option<String>,
    /// The facts, in order.
    pub pairs: Vec<(String, Value)>,
    /// How human writers lay the facts out.
    pub layout: FieldsLayout,
}

impl Fields {
    /// Facts named `name` laid out inline, without a caption.
    pub fn new(name: &str, pairs: Vec<(String, Value)>) -> Fields {
        Fields {
            name: name.to_string(),
            caption: None,
            pairs,
            layout: FieldsLayout::Inline,
        }
    }
}

/// How human writers lay facts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldsLayout {
    /// `key: value`, each value on one line (its line breaks escaped).
    Inline,
    /// One record shown field by field: the values aligned after the longest key, a value's
    /// line breaks kept (continuation lines start at the margin).
    Record,
}

/// Preformatted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The JSON member name.
    pub name: String,
    /// A caption human writers show above the text (a terminal then indents the text by two).
    pub caption: Option<String>,
    /// The text; its line breaks are kept.
    pub text: String,
    /// Whether the text is raw (writers escape it line by line) or already terminal-safe.
    pub form: TextForm,
    /// The language, for writers that can name it (a Markdown fence): `json`, `sql`.
    pub language: Option<String>,
}

impl Code {
    /// Raw text named `name` under `caption`.
    pub fn new(name: &str, caption: Option<&str>, text: impl Into<String>) -> Code {
        Code {
            name: name.to_string(),
            caption: caption.map(str::to_string),
            text: text.into(),
            form: TextForm::Raw,
            language: None,
        }
    }
}

/// A titled group of blocks.
#[derive(Clone)]
pub struct Section {
    /// The JSON member name and html anchor (`summary`, `kms-keys`).
    pub name: String,
    /// The heading.
    pub title: String,
    /// The content.
    pub blocks: Vec<Block>,
}

/// A note for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// What kind of note.
    pub kind: NoteKind,
    /// The text (raw: writers escape it).
    pub text: String,
}

impl Note {
    /// A note of `kind`.
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Note {
        Note {
            kind,
            text: text.into(),
        }
    }
}

/// What a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// The SQL planner's: a deliberate difference from SLS (approx_distinct computed exactly,
    /// ip_to_* without a database).
    Planner,
    /// Rows were cut by the default LIMIT.
    Limit,
    /// Which database answered (GeoIP provenance).
    Provenance,
}

macro_rules! block_from {
    ($($ty:ident => $variant:ident),*) => {
        $(impl From<$ty> for Block {
            fn from(b: $ty) -> Block {
                Block::$variant(b)
            }
        })*
    };
}

block_from!(Line => Line, Table => Table, HistogramBlock => Histogram, Events => Events,
    Findings => Findings, Fields => Fields, Section => Section, Code => Code);

impl From<super::chart::Chart> for Block {
    fn from(c: super::chart::Chart) -> Block {
        Block::Chart(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primary_block_is_the_marked_one_else_the_first_with_rows() {
        let table = |name: &str| Table::new(name, Cells::Text(TextTable::new(&["a"], &[])));
        let mut report = Report::new("t", Zone::default());
        report.line("x").push(table("first"));
        report.push(Section {
            name: "s".into(),
            title: "S".into(),
            blocks: vec![
                table("marked").primary().into(),
                Line::status("5 matched").into(),
            ],
        });
        assert_eq!(report.primary().and_then(Block::name), Some("marked"));
        let status: Vec<&str> = report.status_lines().map(|l| l.text.as_str()).collect();
        assert_eq!(status, ["5 matched"]);
        report.blocks.pop();
        assert_eq!(report.primary().and_then(Block::name), Some("first"));
        report.note(Note::new(NoteKind::Planner, "same"));
        report.note(Note::new(NoteKind::Limit, "same"));
        assert_eq!(report.notes.len(), 1);
    }
}
