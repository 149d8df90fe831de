//! `keytrail sample`: writes a synthetic archive and says what it wrote.

use keytrail::sample::{self, SampleOptions};
use keytrail::Result;

use crate::cli::SampleArgs;

/// Runs `keytrail sample`.
pub fn run(args: SampleArgs) -> Result<i32> {
    let opts = SampleOptions {
        events: args.events,
        days: args.days,
        seed: args.seed,
        events_per_file: args.events_per_file,
        incidents: args.incidents,
        ..SampleOptions::default()
    };
    let summary = sample::write_sample(&args.out, &opts)?;
    println!(
        "wrote {} events in {} files ({:.1} MB gzip) to {}; {} KMS keys",
        summary.events,
        summary.files,
        summary.bytes_gz as f64 / 1e6,
        args.out.display(),
        summary.keys.len()
    );
    Ok(0)
}
