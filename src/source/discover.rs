//! Input discovery: the files under the inputs of a run (directories walked in sorted order),
//! and whether each is a regular file that may be read.

use std::path::{Path, PathBuf};

use super::open::{not_regular_reason, FileStamp};

/// Every file under `inputs`, in input order and sorted within directories; or the input and
/// why it cannot be read.
pub fn expand_inputs(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            out.push(Ok(input.clone()));
            continue;
        }
        for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => out.push(Ok(e.into_path())),
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| input.clone());
                    out.push(Err((path, format!("cannot read: {e}"))));
                }
            }
        }
    }
    out
}

/// The stamp of the regular file at `path` (a symlink is followed), or why it is not read:
/// `cannot read: ...`, or `not a regular file (fifo)` for FIFOs, sockets, devices, directories
/// reached through a symlink (not followed) and symlinks to any of them. Only the metadata is
/// looked at: nothing is opened, so a FIFO cannot block.
pub fn regular_file_stamp(path: &Path) -> Result<FileStamp, String> {
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let link = std::fs::symlink_metadata(path).map_err(cannot)?;
    let target = std::fs::metadata(path).map_err(cannot)?;
    match not_regular_reason(&link, &target) {
        None => Ok(FileStamp::of(&target)),
        Some(reason) if target.is_dir() => Err(format!(
            "{reason}: not followed, pass the directory itself as an input"
        )),
        Some(reason) => Err(reason),
    }
}
