//! The committed TypeScript bindings match the Rust types.

use std::collections::BTreeMap;
use std::path::Path;

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn bindings_are_current() {
    let fresh = tempfile::tempdir().unwrap();
    promptvault_desktop::bindings::export(fresh.path()).unwrap();
    let committed = promptvault_desktop::bindings::ui_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        promptvault_desktop::bindings::export(&committed).unwrap();
        return;
    }
    let expected = read_tree(fresh.path());
    assert!(expected.contains_key("Prompt.ts"), "{:?}", expected.keys());
    assert!(expected["index.ts"].contains("export * from \"./SearchResults\";"));
    let actual = read_tree(&committed);
    assert_eq!(
        actual, expected,
        "app/ui/src/bindings is stale: run UPDATE_BINDINGS=1 cargo test --workspace --test bindings"
    );
}
