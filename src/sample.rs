//! Synthetic, deterministic ActionTrail archives in the OSS layout, for tests and benchmarks.
