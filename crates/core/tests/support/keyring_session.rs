//! Running a test in a child process: inside `scripts/keyring-session.sh`
//! (a private D-Bus session with an unlocked GNOME Keyring, so the real
//! Secret Service is used without touching the developer's own keyrings),
//! or with a changed environment.
//!
//! A test calls [`inside_session`] / [`is_child`] first; when false it hands
//! itself to the child and asserts that the child passed. A missing
//! `dbus-run-session` or `gnome-keyring-daemon` fails the test with the
//! script's message; it is never skipped.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Set by `scripts/keyring-session.sh` for the command it runs.
pub const SESSION_ENV: &str = "PROMPTVAULT_KEYRING_SESSION";
/// Set for a test re-run by [`rerun_with_env`].
pub const CHILD_ENV: &str = "PROMPTVAULT_TEST_CHILD";

pub fn inside_session() -> bool {
    std::env::var_os(SESSION_ENV).is_some()
}

pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/keyring-session.sh")
}

/// Runs test `name` of this binary again inside a keyring session.
pub fn rerun_in_keyring_session(name: &str) {
    let mut cmd = Command::new("bash");
    cmd.arg(script()).arg(std::env::current_exe().unwrap());
    run_child(cmd, name);
}

/// Runs test `name` of this binary again with `env` set.
pub fn rerun_with_env(name: &str, env: &[(&str, &str)]) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.env(CHILD_ENV, "1").envs(env.iter().copied());
    run_child(cmd, name);
}

fn run_child(mut cmd: Command, name: &str) {
    let out = cmd
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .output()
        .expect("cannot start the child test process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "test {name} failed in its child process ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
}
