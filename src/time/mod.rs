//! Time in one place: the `[from, to)` range and its bounds ([`range`]), display and session
//! zones ([`zone`]), the one duration grammar every option, rule and SQL window uses
//! ([`duration`]), and the calendar arithmetic and MySQL/Presto texts of the SQL time functions
//! ([`calendar`]).

pub mod calendar;
pub mod duration;
pub mod range;
pub mod zone;

pub use duration::{parse_duration, DurationUnits, SLS_TIME_SERIES_UNITS, UNITS};
pub use range::{now, parse_time_bound, TimeRange};
pub use zone::Zone;
