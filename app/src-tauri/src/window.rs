//! The main window: shown on the search tab by the hotkey or the tray,
//! hidden (not closed) by Esc, a copy, the hotkey again or the close button.

use tauri::{AppHandle, Emitter, Manager, WebviewWindow};

fn main_window(app: &AppHandle) -> Option<WebviewWindow> {
    app.get_webview_window("main")
}

/// Shows and focuses the window and tells the UI to focus the search input.
pub fn show(app: &AppHandle) {
    if let Some(w) = main_window(app) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        let _ = app.emit("window-shown", ());
    }
}

pub fn hide(app: &AppHandle) {
    if let Some(w) = main_window(app) {
        let _ = w.hide();
    }
}

/// The hotkey: hides a visible focused window, shows it otherwise.
pub fn toggle(app: &AppHandle) {
    let Some(w) = main_window(app) else { return };
    let visible = w.is_visible().unwrap_or(false);
    let focused = w.is_focused().unwrap_or(false);
    if visible && focused {
        hide(app);
    } else {
        show(app);
    }
}

/// Closing the window hides it: the app keeps running in the tray.
pub fn hide_on_close(app: &AppHandle) {
    if let Some(w) = main_window(app) {
        let handle = app.clone();
        w.on_window_event(move |event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                hide(&handle);
            }
        });
    }
}
