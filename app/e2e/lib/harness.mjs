// Starts what an end-to-end test needs: an X display (Xvfb), a library
// seeded with the CLI, a fake AI server, tauri-driver (which drives
// WebKitWebDriver), and WebdriverIO sessions on the built desktop binary.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";
import { startFakeAi } from "./fake-ai.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, "target");
export const appBinary = process.env.PROMPTVAULT_DESKTOP_BIN ?? path.join(target, "debug/promptvault-desktop");
export const cliBinary = process.env.PROMPTVAULT_CLI_BIN ?? path.join(target, "debug/promptvault");
export const MINILM = "sentence-transformers/all-MiniLM-L6-v2";

const children = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function waitForPort(port, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, "127.0.0.1");
      sock.once("connect", () => { sock.end(); resolve(); });
      sock.once("error", () => {
        if (Date.now() > deadline) reject(new Error(`nothing listens on port ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

async function startDisplay() {
  if (process.env.PROMPTVAULT_E2E_DISPLAY) return process.env.PROMPTVAULT_E2E_DISPLAY;
  for (let n = 90; n < 140; n++) {
    if (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const xvfb = spawn("Xvfb", [`:${n}`, "-screen", "0", "1280x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
    xvfb.unref();
    children.push(xvfb);
    for (let i = 0; i < 100 && !fs.existsSync(`/tmp/.X11-unix/X${n}`); i++) await new Promise((r) => setTimeout(r, 50));
    return `:${n}`;
  }
  throw new Error("no free X display");
}

/** The app processes running on library `db` (never a user's own app). */
function appProcesses(db) {
  const pids = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (!exe.startsWith(appBinary)) continue;
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (environ.includes(`PROMPTVAULT_DB=${db}`)) pids.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Whether `pid` still runs: a zombie whose last thread has gone has
 * released its files; one with threads left may still hold them. */
function running(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] !== "Z" || Number(fields[17]) > 1;
  } catch {
    return false;
  }
}

/** Runs the CLI on the test library. */
export function cli(env, ...args) {
  return execFileSync(cliBinary, args, { env: { ...process.env, ...env }, encoding: "utf8" });
}

/** Everything for one test file: display, library, AI server, driver. */
export async function setUp({ seed = [] } = {}) {
  for (const bin of [appBinary, cliBinary]) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build the workspace first`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-e2e-"));
  const ai = await startFakeAi();
  const display = await startDisplay();
  const env = {
    DISPLAY: display,
    PROMPTVAULT_DB: path.join(dir, "library.duckdb"),
    PROMPTVAULT_AI_API_KEY: "sk-e2e-0123456789abcdef",
    XDG_DATA_HOME: path.join(dir, "data"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
    RUST_LOG: process.env.RUST_LOG ?? "warn",
    NO_AT_BRIDGE: "1",
  };
  cli(env, "settings", "set", "embedding_model", MINILM);
  cli(env, "settings", "set", "ai_polish_model_endpoint", ai.endpoint);
  cli(env, "settings", "set", "ai_meta_model_endpoint", ai.endpoint);
  if (seed.length) {
    const file = path.join(dir, "seed.json");
    fs.writeFileSync(file, JSON.stringify(seed));
    cli(env, "import", file, "--no-embed");
  }
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  driver.unref();
  children.push(driver);
  await waitForPort(port);
  const ctx = {
    dir, env, ai, port, display,
    async open() {
      const browser = await remote({
        hostname: "127.0.0.1",
        port,
        logLevel: "error",
        connectionRetryTimeout: 60000,
        capabilities: {
          "wdio:enforceWebDriverClassic": true,
          "tauri:options": { application: appBinary },
        },
      });
      await browser.$('[data-testid="search-input"]').waitForExist({ timeout: 20000 });
      return browser;
    },
    /** Ends the session and the app (closing only hides it to the tray). */
    async close(browser) {
      // Found before the session ends: WebKitWebDriver may already be
      // stopping the app, and an exiting process loses its /proc exe link
      // before it closes its files (and the database lock).
      const pids = appProcesses(env.PROMPTVAULT_DB);
      await browser.deleteSession().catch(() => {});
      for (const signal of ["SIGTERM", "SIGKILL"]) {
        const alive = pids.filter(running);
        alive.forEach((pid) => {
          try {
            process.kill(pid, signal);
          } catch {
            // already gone
          }
        });
        for (let i = 0; i < 100 && alive.some(running); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    clipboard() {
      return execFileSync("xclip", ["-o", "-selection", "clipboard"], { env: { ...process.env, DISPLAY: display }, encoding: "utf8" });
    },
    async tearDown() {
      driver.kill("SIGTERM");
      ai.close();
      children.forEach((c) => c.kill("SIGTERM"));
      children.length = 0;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return ctx;
}

/** The element with `data-testid` (first match). */
export const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** An element's text content (WebKitWebDriver's getText skips some text). */
export async function textOf(element) {
  return (await element.getProperty("textContent")) ?? "";
}

/** Waits until `fn` returns a truthy value and returns it. */
export async function eventually(browser, fn, what, timeout = 15000) {
  let value;
  try {
    await browser.waitUntil(async () => (value = await fn()), { timeout, interval: 100, timeoutMsg: `timed out: ${what}` });
  } catch (e) {
    // What the window showed, for the failure report.
    const file = path.join(os.tmpdir(), `pv-e2e-failure-${what.replace(/\W+/g, "-")}.png`);
    await browser.saveScreenshot(file).catch(() => {});
    const text = await browser.$("body").getProperty("textContent").catch(() => "");
    throw new Error(`${e.message}\nscreenshot: ${file}\nwindow text: ${String(text).slice(0, 600)}`);
  }
  return value;
}
