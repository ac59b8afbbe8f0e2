//! Keeping the full-text index fresh in the background, for a long-running
//! app.
//!
//! Searches always see a saved prompt at once (pending prompts are scanned
//! directly, see `index`), but that scan costs more as pending prompts pile
//! up. [`FtsRefresher`] folds them into the index off the UI's path: the app
//! calls [`FtsRefresher::notify`] after writes; once no write has come for
//! the debounce delay (or the writes have gone on for [`MAX_DELAY_FACTOR`]
//! delays), it rebuilds the index on its own connection. The rebuild runs in
//! one transaction, so searches keep using the previous index, and prompts
//! written during it stay pending until the next one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::index::RebuildReport;
use crate::store::Store;

/// Writes that never pause still get a rebuild after this many delays.
pub const MAX_DELAY_FACTOR: u32 = 10;

/// Default quiet time before a rebuild.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_secs(2);

/// What the refresher has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RefreshState {
    /// Rebuilds completed.
    pub rebuilds: u64,
    /// Rebuilds that failed (retried at the next notification).
    pub failures: u64,
    /// The last completed rebuild.
    pub last: Option<RebuildReport>,
}

/// A Tokio task that rebuilds the FTS index after writes, debounced.
pub struct FtsRefresher {
    wake: Arc<Notify>,
    stop: Arc<AtomicBool>,
    state: watch::Receiver<RefreshState>,
    handle: Option<JoinHandle<()>>,
}

impl FtsRefresher {
    /// Starts the refresher on the current Tokio runtime. `store` must be a
    /// handle of its own ([`Store::try_clone`]). It checks once at start
    /// (prompts left pending by the last session), then after each
    /// [`notify`](Self::notify) burst.
    pub fn spawn(store: Store, debounce: Duration) -> FtsRefresher {
        let wake = Arc::new(Notify::new());
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = watch::channel(RefreshState::default());
        let store = Arc::new(Mutex::new(store));
        let handle = tokio::spawn(run(store, debounce, wake.clone(), stop.clone(), tx));
        FtsRefresher {
            wake,
            stop,
            state: rx,
            handle: Some(handle),
        }
    }

    /// Tells the refresher that prompts were written.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Rebuild counts, updated after each rebuild.
    pub fn state(&self) -> watch::Receiver<RefreshState> {
        self.state.clone()
    }

    /// Stops the refresher, waiting for a rebuild in progress to end.
    pub async fn shutdown(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.wake.notify_one();
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

async fn run(
    store: Arc<Mutex<Store>>,
    debounce: Duration,
    wake: Arc<Notify>,
    stop: Arc<AtomicBool>,
    state: watch::Sender<RefreshState>,
) {
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let store = store.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let store = store.lock().unwrap_or_else(|p| p.into_inner());
            match store.fts_rebuild_needed()? {
                true => store.rebuild_fts_index().map(Some),
                false => Ok(None),
            }
        })
        .await;
        match outcome {
            Ok(Ok(Some(report))) => state.send_modify(|s| {
                s.rebuilds += 1;
                s.last = Some(report);
            }),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "background full-text rebuild failed");
                state.send_modify(|s| s.failures += 1);
            }
            Err(e) => {
                tracing::error!(error = %e, "background full-text rebuild panicked");
                state.send_modify(|s| s.failures += 1);
            }
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        wake.notified().await;
        settle(&wake, &stop, debounce).await;
    }
}

/// Waits until no notification has come for `debounce`, or for at most
/// [`MAX_DELAY_FACTOR`] times `debounce`, or until stopped.
async fn settle(wake: &Notify, stop: &AtomicBool, debounce: Duration) {
    let deadline = Instant::now() + debounce * MAX_DELAY_FACTOR;
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let quiet_until = (Instant::now() + debounce).min(deadline);
        tokio::select! {
            _ = wake.notified() => {
                if Instant::now() >= deadline {
                    return;
                }
            }
            _ = tokio::time::sleep_until(quiet_until) => return,
        }
    }
}
