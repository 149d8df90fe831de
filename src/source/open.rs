//! Opening input files safely: only regular files are read (a FIFO, socket or device is refused
//! before and after opening, and opening never blocks), and a [`HashingReader`] hashes and counts
//! exactly the bytes a reader takes from the file, so the hash recorded for a file is the hash
//! of what was parsed.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

/// What kind of file `meta` describes, as the summary names it: `regular file`, `directory`,
/// `fifo`, `socket`, `character device`, `block device`, `symlink`.
pub fn file_kind(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_file() {
        return "regular file";
    }
    if kind.is_dir() {
        return "directory";
    }
    if kind.is_symlink() {
        return "symlink";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "fifo";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
    }
    "special file"
}

/// Why a path is not read: `not a regular file (fifo)`, `not a regular file (symlink to a
/// character device)`; `None` for a regular file or a symlink to one. `target` is the metadata
/// the path resolves to, `link` the metadata of the path itself.
pub fn not_regular_reason(link: &Metadata, target: &Metadata) -> Option<String> {
    if target.is_file() {
        return None;
    }
    let kind = file_kind(target);
    Some(match link.file_type().is_symlink() {
        true => format!("not a regular file (symlink to a {kind})"),
        false => format!("not a regular file ({kind})"),
    })
}

/// Opens `path` read-only without ever blocking (`O_NONBLOCK`: opening a FIFO would wait for a
/// writer) and checks on the opened descriptor (fstat, so a file swapped after it was listed is
/// caught too) that it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let kind = file_kind(&meta);
        return Err(io::Error::other(format!("not a regular file ({kind})")));
    }
    Ok(file)
}

/// Size and modification time of a file, to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// Its length in bytes.
    pub size: u64,
    /// Its modification time, when the platform gives one.
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    /// The stamp of `meta`.
    pub fn of(meta: &Metadata) -> FileStamp {
        FileStamp {
            size: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// Why a file must not be recorded as read whole: it was `listed` (when the inputs were
/// planned), `bytes_read` bytes were read from it, and it is `now` after reading. `None` when
/// all three agree.
pub fn changed_while_read(listed: FileStamp, bytes_read: u64, now: FileStamp) -> Option<String> {
    if listed.size == bytes_read && now.size == bytes_read && listed.modified == now.modified {
        return None;
    }
    let what = match (listed.size == bytes_read, now.size == bytes_read) {
        (true, true) => "its modification time changed".to_string(),
        _ => format!(
            "{} bytes when listed, {bytes_read} bytes read, {} bytes now",
            listed.size, now.size
        ),
    };
    Some(format!(
        "file changed while it was read ({what}): not recorded as ingested, the next run reads it again"
    ))
}

/// Wraps a reader: hashes (blake3) and counts every byte read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: blake3::Hasher,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: blake3::Hasher::new(),
            bytes: 0,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The hash of the bytes read so far.
    pub fn hash(&self) -> String {
        self.hasher.finalize().to_hex().to_string()
    }

    /// Reads on to the end of input, or until `limit` bytes in all were read (a file that keeps
    /// growing is not followed forever).
    pub fn drain(&mut self, limit: u64) -> io::Result<()> {
        let mut buf = vec![0u8; 256 * 1024];
        while self.bytes < limit {
            let want = buf
                .len()
                .min(usize::try_from(limit - self.bytes).unwrap_or(usize::MAX));
            if self.read(&mut buf[..want])? == 0 {
                break;
            }
        }
        Ok(())
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn hashing_reader_hashes_exactly_what_was_read() {
        let data = b"0123456789".repeat(1000);
        let mut reader = HashingReader::new(&data[..]);
        let mut head = vec![0u8; 100];
        reader.read_exact(&mut head).unwrap();
        assert_eq!(reader.bytes_read(), 100);
        assert_eq!(
            reader.hash(),
            blake3::hash(&data[..100]).to_hex().to_string()
        );
        reader.drain(5000).unwrap();
        assert_eq!(reader.bytes_read(), 5000, "stopped at the limit");
        reader.drain(u64::MAX).unwrap();
        assert_eq!(reader.bytes_read(), 10_000);
        assert_eq!(reader.hash(), blake3::hash(&data).to_hex().to_string());
    }

    #[test]
    fn a_change_of_size_or_time_is_reported() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let stamp = |size| FileStamp {
            size,
            modified: Some(t),
        };
        assert_eq!(changed_while_read(stamp(10), 10, stamp(10)), None);
        assert_eq!(
            changed_while_read(stamp(10), 4, stamp(4)).unwrap(),
            "file changed while it was read (10 bytes when listed, 4 bytes read, 4 bytes now): \
             not recorded as ingested, the next run reads it again"
        );
        assert!(changed_while_read(stamp(10), 10, stamp(12))
            .unwrap()
            .contains("10 bytes when listed, 10 bytes read, 12 bytes now"));
        let touched = FileStamp {
            size: 10,
            modified: Some(t + Duration::from_secs(1)),
        };
        assert!(changed_while_read(stamp(10), 10, touched)
            .unwrap()
            .contains("its modification time changed"));
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = open_regular(&fifo).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (fifo)");
        let err = open_regular(Path::new("/dev/null")).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (character device)");
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let (l, t) = (
            std::fs::symlink_metadata(&link).unwrap(),
            std::fs::metadata(&link).unwrap(),
        );
        assert_eq!(
            not_regular_reason(&l, &t).unwrap(),
            "not a regular file (symlink to a character device)"
        );
        let plain = dir.path().join("f.json");
        std::fs::write(&plain, b"{}").unwrap();
        assert!(open_regular(&plain).is_ok());
    }
}
