//! The keytrail command line.
fn main() {}
