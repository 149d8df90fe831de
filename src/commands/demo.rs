//! `keytrail demo`: builds the sample archive, ingests it, and shows what the store holds.

use keytrail::Result;

use crate::cli::DemoArgs;

/// Runs `keytrail demo`.
pub fn run(_args: DemoArgs) -> Result<i32> {
    Err(keytrail::Error::Other("demo: not wired yet".into()))
}
