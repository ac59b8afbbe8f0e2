import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./index.css";

async function start() {
  // Dev only: in a plain browser (no Tauri webview) fake the backend.
  // `import.meta.env.DEV` is false in `vite build`, so the mock is never bundled.
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { installMockBackend, runDemo } = await import("./lib/ipc.mock");
    installMockBackend();
    const demo = new URLSearchParams(location.search).get("demo");
    if (demo) void runDemo(demo);
  }
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
