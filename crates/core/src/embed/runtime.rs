//! Finding and loading the ONNX Runtime shared library.
//!
//! PromptVault loads `libonnxruntime` at run time (nothing is downloaded at
//! build time). The library is looked for, in order:
//!
//! 1. the path given by the caller (the `onnxruntime_library` setting);
//! 2. `$PROMPTVAULT_ORT_LIB`, then `$ORT_DYLIB_PATH`;
//! 3. next to the running executable (and in `../lib` beside it), as a
//!    desktop bundle ships it;
//! 4. the asset cache, `<assets>/onnxruntime/` (see [`crate::assets`]).
//!
//! The first existing file wins. A missing or broken library is an error
//! naming every place that was tried; nothing panics.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::EmbedError;

/// File names of the library on this platform, most specific first.
fn library_names() -> &'static [&'static str] {
    if cfg!(target_os = "macos") {
        &["libonnxruntime.dylib"]
    } else if cfg!(windows) {
        &["onnxruntime.dll"]
    } else {
        &["libonnxruntime.so", "libonnxruntime.so.1"]
    }
}

/// Every place searched, in order, for diagnostics and for [`locate`].
pub fn candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        out.push(p.to_path_buf());
    }
    for var in ["PROMPTVAULT_ORT_LIB", "ORT_DYLIB_PATH"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            out.push(PathBuf::from(v));
        }
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        for name in library_names() {
            out.push(dir.join(name));
            out.push(dir.join("../lib").join(name));
        }
    }
    for assets in crate::assets::dirs() {
        for name in library_names() {
            out.push(assets.join("onnxruntime").join(name));
        }
    }
    out
}

/// The first library file that exists.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, EmbedError> {
    let tried = candidates(explicit);
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| EmbedError::RuntimeMissing {
            tried: tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

static RUNTIME: OnceLock<Result<(PathBuf, ort::environment::Environment), String>> =
    OnceLock::new();

/// Loads ONNX Runtime once per process and returns the library used and
/// the process's environment (sessions must share it). Later calls return
/// the first outcome (a process cannot switch libraries).
pub fn init(
    explicit: Option<&Path>,
) -> Result<(PathBuf, ort::environment::Environment), EmbedError> {
    let outcome = RUNTIME.get_or_init(|| {
        let path = locate(explicit).map_err(|e| e.to_string())?;
        let env = ort::init_from(&path)
            .map_err(|e| format!("cannot load ONNX Runtime from {}: {e}", path.display()))?
            .with_name("promptvault")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", path.display()))?;
        tracing::info!(path = %path.display(), "loaded ONNX Runtime");
        Ok((path, env))
    });
    match outcome {
        Ok((path, env)) => Ok((path.clone(), env.clone())),
        Err(msg) => Err(EmbedError::Runtime(msg.clone())),
    }
}
