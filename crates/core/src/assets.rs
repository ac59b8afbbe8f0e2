//! The offline asset cache: ONNX Runtime, embedding models and DuckDB
//! extensions, as `scripts/provision-assets.sh` lays them out.
//!
//! Looked for in `$PROMPTVAULT_ASSETS_DIR`, else `<OS cache dir>/promptvault/assets`
//! (`~/.cache/promptvault/assets` on Linux), then in the copy an installed
//! package ships beside its executable (`<exe dir>/../lib/promptvault/assets`,
//! `/usr/lib/promptvault/assets` for the .deb).

use std::path::PathBuf;

/// Environment variable that overrides the asset directory.
pub const ASSETS_ENV: &str = "PROMPTVAULT_ASSETS_DIR";

/// The asset directory (it may not exist).
pub fn dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(ASSETS_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    dirs::cache_dir().map(|d| d.join("promptvault").join("assets"))
}

/// The asset directory a package installs beside the executable.
pub fn bundled_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("../lib/promptvault/assets"))
}

/// Every asset directory, in the order they are searched: [`dir`], then
/// [`bundled_dir`].
pub fn dirs() -> Vec<PathBuf> {
    dir().into_iter().chain(bundled_dir()).collect()
}

/// Where downloaded models are kept: `<OS cache dir>/promptvault/models`.
pub fn models_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("promptvault").join("models"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_cache_comes_before_the_packaged_copy() {
        let all = dirs();
        assert_eq!(all.first(), dir().as_ref());
        let bundled = all.last().unwrap();
        assert!(
            bundled.ends_with("../lib/promptvault/assets"),
            "{bundled:?}"
        );
        let exe_dir = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_path_buf();
        assert!(bundled.starts_with(exe_dir));
    }
}
