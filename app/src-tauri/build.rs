//! Tauri's build step. The app embeds the built UI (`../ui/dist`); a
//! checkout where the UI was not built yet still compiles (`cargo build
//! --workspace`, `cargo test`), with a page saying how to build it.

use std::path::Path;

fn main() {
    let dist = Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        println!(
            "cargo:warning=app/ui/dist is missing: the desktop app will show a placeholder; \
             run `npm ci && npm run build` in app/ui (scripts/setup.sh does)"
        );
        std::fs::create_dir_all(dist).expect("create app/ui/dist");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>PromptVault</title><p>The PromptVault UI was not built: run \
             <code>npm ci &amp;&amp; npm run build</code> in <code>app/ui</code>, then rebuild.</p>",
        )
        .expect("write the placeholder page");
    }
    println!("cargo:rerun-if-changed=../ui/dist/index.html");
    tauri_build::build()
}
