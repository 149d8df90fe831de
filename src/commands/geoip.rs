//! `--geoip` / `--geoip-lang`: which GeoIP/ASN databases a command reads (the flags, else
//! `$KEYTRAIL_GEOIP`, else `$XDG_DATA_HOME/keytrail/geoip/*.mmdb`), opened once per run.

use keytrail::geoip::{self, GeoIp, Lang};
use keytrail::{Error, Result};

use crate::cli::GeoArgs;

/// Opens the databases the options name. None when there are none: the functions then return
/// NULL with a note. The set lives for the rest of the process (SQL plans hold it).
pub fn open_geoip(args: &GeoArgs) -> Result<Option<&'static GeoIp>> {
    let lang = Lang::parse(&args.geoip_lang).map_err(Error::Usage)?;
    let files = if args.geoip.is_empty() {
        let defaults = geoip::default_paths(
            std::env::var_os("KEYTRAIL_GEOIP"),
            std::env::var_os("XDG_DATA_HOME"),
            std::env::var_os("HOME"),
        );
        geoip::expand(&defaults, false)
    } else {
        geoip::expand(&args.geoip, true)
    }
    .map_err(Error::Usage)?;
    if files.is_empty() {
        return Ok(None);
    }
    let set = GeoIp::open(&files, lang).map_err(Error::Usage)?;
    Ok(Some(Box::leak(Box::new(set))))
}
