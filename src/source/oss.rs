//! OSS trail delivery file names:
//! `Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<count>_<size>_<md5>.gz`.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

/// What an OSS delivery file name says about its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssName {
    /// The region the file was delivered for.
    pub region: String,
    /// The delivery timestamp, `YYYYMMDDHHMMSS`.
    pub stamp: String,
    /// The number of events the file should hold.
    pub count: u64,
}

/// Parses the file name of `path` as an OSS delivery name; `None` if it is not one.
pub fn parse_oss_name(path: &Path) -> Option<OssName> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    let re = NAME.get_or_init(|| {
        Regex::new(r"^Actiontrail_([A-Za-z0-9-]+)_(\d{14})_1002_(\d+)_(\d+)_([0-9A-Za-z]+)\.gz$")
            .expect("valid regex")
    });
    let name = path.file_name()?.to_str()?;
    let caps = re.captures(name)?;
    Some(OssName {
        region: caps[1].to_string(),
        stamp: caps[2].to_string(),
        count: caps[3].parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delivery_names() {
        let p = Path::new(
            "AliyunLogs/Actiontrail/ap-southeast-6/2026/09/25/Actiontrail_ap-southeast-6_20260925070451_1002_4_1146_8d2a62c7317236ee7bf50184a428d8a9.gz",
        );
        assert_eq!(
            parse_oss_name(p),
            Some(OssName {
                region: "ap-southeast-6".into(),
                stamp: "20260925070451".into(),
                count: 4
            })
        );
        assert_eq!(
            parse_oss_name(Path::new("Actiontrail_cn-hangzhou_2024.gz")),
            None
        );
        assert_eq!(parse_oss_name(Path::new("events.json.gz")), None);
    }
}
