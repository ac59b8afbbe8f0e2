// Benchmark program (not a test) for the desktop app: the built binary in
// its real webview under Xvfb, through tauri-driver, on a library of 10,000
// real prompts with every MiniLM vector present. Measures
//   1. keystroke to updated results (keyword list, then the fused list),
//      timed inside the page so that WebDriver round trips do not count;
//   2. global hotkey to the window shown (event and first frame, and the
//      window mapped as seen from X);
//   3. idle memory of the app and its WebKit processes (RSS, PSS);
//   4. cold start: process start to the page loaded and to a first search.
// Run by scripts/bench-desktop.sh; prints the figures and writes them as
// JSON to $BENCH_OUT (default: a file in the temp directory).
//
// Environment: BENCH_PROMPTS (10000), BENCH_ROUNDS (2 rounds of the 40
// queries), BENCH_HOTKEY_SAMPLES (20), BENCH_COLD_STARTS (5), BENCH_FRESH=1
// to rebuild the cached embedded library.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { appBinary, cli, cliBinary, MINILM, repo, setUp } from "./lib/harness.mjs";

const N = Number(process.env.BENCH_PROMPTS ?? 10000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const HOTKEY_SAMPLES = Number(process.env.BENCH_HOTKEY_SAMPLES ?? 20);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 5);
const shared = process.env.PROMPTVAULT_SHARED_DATA ?? path.resolve(repo, "../shared/data");
const cacheDir = path.join(os.tmpdir(), "pv-bench-desktop-cache");
const out = process.env.BENCH_OUT ?? path.join(os.tmpdir(), "pv-bench-desktop.json");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Median and 95th percentile (nearest rank on the sorted samples, as the Rust benches). */
function pct(samples) {
  const s = samples.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return { n: 0, p50: null, p95: null, min: null, max: null };
  const at = (q) => s[Math.round((s.length - 1) * q)];
  return { n: s.length, p50: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

function machine() {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "";
  const os_ = fs.readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? "";
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os_}`;
}

// ---------------------------------------------------------------- the library

/** The xorshift generator of crates/bench (`Rng`), on 64-bit BigInts. */
function rng(seed) {
  let x = BigInt.asUintN(64, seed);
  return () => {
    x ^= BigInt.asUintN(64, x << 13n);
    x ^= x >> 7n;
    x ^= BigInt.asUintN(64, x << 17n);
    return x;
  };
}

/** The shared collections as the app imports them (CLI import, then export). */
function originals(env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-bench-orig-"));
  const e = { ...env, PROMPTVAULT_DB: path.join(dir, "orig.duckdb") };
  cli(e, "import", path.join(shared, "prompts-chat/prompts.csv"), "--no-embed");
  cli(e, "import", path.join(shared, "prompts-zh/prompts-zh.json"), "--no-embed");
  const file = path.join(dir, "orig.json");
  cli(e, "export", "--format", "json", "--output", file);
  const all = JSON.parse(fs.readFileSync(file, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
  return all.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** As `varied_prompts` in crates/bench: original i % len plus 12 words drawn
 * from other prompts, and a numbered synopsis after the first round. */
function varied(orig, n) {
  const words = orig.flatMap((p) => p.content.split(/\s+/).filter(Boolean).slice(0, 50));
  const next = rng(0x9e3779b97f4a7c15n);
  return Array.from({ length: n }, (_, i) => {
    const p = orig[i % orig.length];
    const extra = Array.from({ length: 12 }, () => words[Number(next() % BigInt(words.length))]);
    const synopsis = p.synopsis && i >= orig.length ? `${p.synopsis} (${i})` : p.synopsis;
    return { content: `${p.content}\n\n${extra.join(" ")}`, synopsis, tags: p.tags };
  });
}

/** A library of N prompts with every vector, built once and cached. */
function embeddedLibrary(env) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const db = path.join(cacheDir, `library-${N}.duckdb`);
  const stamp = `${db}.ok`;
  if (fs.existsSync(stamp) && !process.env.BENCH_FRESH) {
    log(`library: cached ${db}`);
    return { db, importS: null, embedS: null, cached: true };
  }
  for (const f of [db, `${db}.wal`, stamp]) fs.rmSync(f, { force: true });
  const e = { ...env, PROMPTVAULT_DB: db };
  cli(e, "settings", "set", "embedding_model", MINILM);
  const file = path.join(cacheDir, `library-${N}.json`);
  fs.writeFileSync(file, JSON.stringify(varied(originals(env), N)));
  log(`library: importing ${N} prompts`);
  let t = Date.now();
  cli(e, "import", file, "--no-embed");
  const importS = (Date.now() - t) / 1000;
  log(`library: embedding ${N} prompts with MiniLM (minutes)`);
  t = Date.now();
  execFileSync(cliBinary, ["embed"], { env: { ...process.env, ...e }, stdio: ["ignore", "ignore", "inherit"] });
  const embedS = (Date.now() - t) / 1000;
  fs.writeFileSync(stamp, "");
  return { db, importS, embedS, cached: false };
}

// ---------------------------------------------------------------- processes

function ppidMap() {
  const map = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      map.set(Number(d), Number(rest[1]));
    } catch {}
  }
  return map;
}

function appPid() {
  const real = fs.realpathSync(appBinary);
  for (const [pid] of ppidMap()) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) === real) return pid;
    } catch {}
  }
  return null;
}

/** Process start as epoch ms (clock-tick resolution, 10 ms). */
function startEpochMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const btime = Number(fs.readFileSync("/proc/stat", "utf8").match(/^btime (\d+)/m)[1]);
  const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return btime * 1000 + (ticks / hz) * 1000;
}

const kbField = (text, name) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);

/** RSS and PSS (MiB) of the app and every descendant, by process. */
function memory(pid) {
  const map = ppidMap();
  const procs = [pid];
  for (let i = 0; i < procs.length; i++) for (const [c, p] of map) if (p === procs[i]) procs.push(c);
  const rows = procs.map((p) => {
    const name = fs.readFileSync(`/proc/${p}/comm`, "utf8").trim();
    const rss = kbField(fs.readFileSync(`/proc/${p}/status`, "utf8"), "VmRSS") / 1024;
    let pss = null;
    try {
      pss = kbField(fs.readFileSync(`/proc/${p}/smaps_rollup`, "utf8"), "Pss") / 1024;
    } catch {}
    return { pid: p, name, rss, pss };
  });
  return { rows, rss: rows.reduce((s, r) => s + r.rss, 0), pss: rows.reduce((s, r) => s + (r.pss ?? 0), 0) };
}

// ---------------------------------------------------------------- in the page

const invoke = (browser, cmd, args = {}) =>
  browser.executeAsync(
    (cmd, args, done) =>
      window.__TAURI_INTERNALS__.invoke(cmd, args).then((v) => done({ ok: v }), (e) => done({ err: String(e?.message ?? JSON.stringify(e)) })),
    cmd,
    args,
  );

/** Sets the search input's value as React sees a keystroke, then times (in
 * the page, performance.now) until the keyword list and then the fused list
 * for the new query are in the DOM, and the frame after each. `expect`:
 * "mode" (the previous query's fused list is shown: the keyword list is
 * there when the mode flips back to "keyword results") or "change" (the
 * list's ids change and the mode says keyword: from the Recent list). */
async function timeKeystroke(browser, value, expect, timeoutMs = 20000) {
  return browser.executeAsync(
    (value, expect, timeoutMs, done) => {
      const input = document.querySelector('[data-testid="search-input"]');
      const mode = () => document.querySelector('[data-testid="search-mode"]')?.textContent ?? "";
      const ids = () => [...document.querySelectorAll('[data-testid="result-item"]')].map((e) => e.dataset.id);
      const before = ids().join(",");
      const r = { lex: null, lexFrame: null, sem: null, semFrame: null, lexIds: null, semIds: null, lexMode: null, semMode: null };
      let t0 = 0;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        obs.disconnect();
        clearTimeout(timer);
        done(r);
      };
      const check = () => {
        const now = performance.now();
        const m = mode();
        if (r.lex === null) {
          const list = ids();
          const ok = m.includes("keyword") && (expect === "mode" || list.join(",") !== before);
          // Also the case of a query whose keyword list is empty but fused is not.
          if (ok || m.includes("semantic") && list.join(",") !== before) {
            r.lex = now - t0;
            r.lexIds = list;
            r.lexMode = m;
            requestAnimationFrame(() => (r.lexFrame = performance.now() - t0));
          }
        }
        if (r.lex !== null && r.sem === null && m.includes("semantic")) {
          r.sem = now - t0;
          r.semIds = ids();
          r.semMode = m;
          requestAnimationFrame(() => {
            r.semFrame = performance.now() - t0;
            finish();
          });
        }
      };
      const obs = new MutationObserver(check);
      obs.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["data-id"] });
      const timer = setTimeout(finish, timeoutMs);
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      input.focus();
      t0 = performance.now();
      setter.call(input, value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    },
    value,
    expect,
    timeoutMs,
  );
}

/** Types `value` (no timing) and waits until the fused list is shown and the
 * page is quiet for `quietMs`. Returns whether the fused list arrived. */
async function settle(browser, value, timeoutMs = 15000, quietMs = 250) {
  return browser.executeAsync(
    (value, timeoutMs, quietMs, done) => {
      const input = document.querySelector('[data-testid="search-input"]');
      const mode = () => document.querySelector('[data-testid="search-mode"]')?.textContent ?? "";
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      input.focus();
      setter.call(input, value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      const start = performance.now();
      let last = performance.now();
      const obs = new MutationObserver(() => (last = performance.now()));
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
      const poll = () => {
        const now = performance.now();
        const sem = mode().includes("semantic") && !mode().includes("refining");
        if ((sem && now - last >= quietMs) || now - start > timeoutMs) {
          obs.disconnect();
          done(sem);
        } else setTimeout(poll, 20);
      };
      setTimeout(poll, 60);
    },
    value,
    timeoutMs,
    quietMs,
  );
}

const lexicalIds = async (browser, query) => {
  const r = await invoke(browser, "search_lexical", { query, filters: { source: null, is_private: null, tag: null, limit: 50 } });
  if (r.err) throw new Error(`search_lexical: ${r.err}`);
  return r.ok.hits.map((h) => h.id);
};

const tookMs = (m) => Number(m?.match(/in (\d+) ms/)?.[1] ?? NaN);

// ---------------------------------------------------------------- measures

async function coldStart(ctx) {
  const tOpen = Date.now();
  const browser = await ctx.open(); // returns once search-input exists
  const tInput = Date.now();
  const pid = appPid();
  const tProc = startEpochMs(pid);
  const nav = await browser.execute(() => {
    const n = performance.getEntriesByType("navigation")[0];
    const paints = Object.fromEntries(performance.getEntriesByType("paint").map((p) => [p.name, p.startTime]));
    return { origin: performance.timeOrigin, dcl: n?.domContentLoadedEventEnd ?? null, load: n?.loadEventEnd ?? null, paints };
  });
  // The Recent list (the empty query) is shown first; wait for it.
  await browser.waitUntil(async () => (await browser.$$('[data-testid="result-item"]')).length > 0, { timeout: 30000, interval: 20 });
  const tRecent = Date.now();
  const status = await invoke(browser, "embed_status");
  const first = await timeKeystroke(browser, "write a cover letter for a job application", "change", 30000);
  return {
    browser,
    pid,
    row: {
      sessionMs: tInput - tOpen,
      procToNavMs: nav.origin - tProc,
      procToDclMs: nav.dcl != null ? nav.origin + nav.dcl - tProc : null,
      procToInputSeenMs: tInput - tProc,
      procToRecentSeenMs: tRecent - tProc,
      fcpMs: nav.paints["first-contentful-paint"] != null ? nav.origin + nav.paints["first-contentful-paint"] - tProc : null,
      firstLexMs: first.lex,
      firstSemMs: first.sem,
      embedStatus: status.ok ?? status.err,
    },
  };
}

async function keystrokes(browser, queries) {
  const rows = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { kind, query } of queries) {
      const chars = Array.from(query);
      const prefix = chars.slice(0, -1).join("");
      const settled = await settle(browser, prefix);
      await sleep(100);
      const r = await timeKeystroke(browser, query, settled ? "mode" : "change");
      await sleep(50);
      const expected = await lexicalIds(browser, query);
      const again = await lexicalIds(browser, query);
      const got = r.lexIds ?? [];
      const lexMatches = got.join(",") === expected.join(",");
      const lexSameSet = got.length === expected.length && got.every((id) => expected.includes(id));
      const lexStable = again.join(",") === expected.join(",");
      rows.push({
        round, kind, query, prefixSettled: settled, ...r, lexIds: undefined, semIds: undefined,
        lexMatches, lexSameSet, lexFirstSame: got[0] === expected[0], lexStable,
        lexTook: tookMs(r.lexMode), semTook: tookMs(r.semMode), hits: expected.length,
      });
      const f = (x) => (x == null ? "  -  " : x.toFixed(1).padStart(6));
      log(`r${round} ${kind.padEnd(10)} lex ${f(r.lex)} sem ${f(r.sem)} ms ${lexMatches ? "" : "(keyword list differs!) "}${query}`);
    }
  }
  return rows;
}

async function hotkey(ctx, browser) {
  const display = { ...process.env, DISPLAY: ctx.env.DISPLAY };
  await browser.executeAsync((done) => {
    window.__pvShown = [];
    const I = window.__TAURI_INTERNALS__;
    const handler = I.transformCallback(() => {
      const event = Date.now();
      requestAnimationFrame(() => window.__pvShown.push({ event, frame: Date.now() }));
    });
    I.invoke("plugin:event|listen", { event: "window-shown", target: { kind: "Any" }, handler }).then(() => done(), () => done());
  });
  const xdotoolMs = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    spawnSync("xdotool", ["getmouselocation"], { env: display });
    xdotoolMs.push(performance.now() - t);
  }
  const visibleNow = () => spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^PromptVault$"], { env: display }).status === 0;
  const rows = [];
  for (let i = 0; i < HOTKEY_SAMPLES; i++) {
    await invoke(browser, "hide_window");
    await sleep(300);
    const hiddenOk = !visibleNow();
    await sleep(100);
    const before = await browser.execute(() => window.__pvShown.length);
    const t0 = Date.now();
    spawnSync("xdotool", ["key", "--delay", "0", "ctrl+shift+p"], { env: display });
    const tKeyDone = Date.now();
    let shown = null;
    for (let k = 0; k < 100 && !shown; k++) {
      shown = await browser.execute((n) => window.__pvShown[n] ?? null, before);
      if (!shown) await sleep(20);
    }
    rows.push({ series: "event", hiddenOk, xdotool: tKeyDone - t0, event: shown ? shown.event - t0 : null, frame: shown ? shown.frame - t0 : null });
  }
  // Cross-check from X: poll for the mapped window (each poll is a process).
  for (let i = 0; i < HOTKEY_SAMPLES; i++) {
    await invoke(browser, "hide_window");
    await sleep(300);
    const hiddenOk = !visibleNow();
    await sleep(100);
    const t0 = Date.now();
    spawnSync("xdotool", ["key", "--delay", "0", "ctrl+shift+p"], { env: display });
    let visible = null;
    while (Date.now() - t0 < 3000) {
      if (visibleNow()) {
        visible = Date.now() - t0;
        break;
      }
    }
    rows.push({ series: "x", hiddenOk, visible });
  }
  return { rows, xdotoolStartMs: pct(xdotoolMs) };
}

// ---------------------------------------------------------------- main

const report = { machine: machine(), prompts: N, date: new Date().toISOString() };
const ctx = await setUp();
let browser;
try {
  const lib = embeddedLibrary(ctx.env);
  report.library = { importS: lib.importS, embedS: lib.embedS, cached: lib.cached };

  // Empty library: memory right after start (idle 10 s).
  log("empty library: start, idle 10 s, memory");
  browser = await ctx.open();
  await sleep(10000);
  report.memEmpty = memory(appPid());
  await ctx.close(browser);
  browser = null;

  // The 10k library in place of the empty one (the settings, with this
  // run's fake AI endpoint).
  for (const f of [ctx.env.PROMPTVAULT_DB, `${ctx.env.PROMPTVAULT_DB}.wal`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(lib.db, ctx.env.PROMPTVAULT_DB);
  cli(ctx.env, "settings", "set", "ai_polish_model_endpoint", ctx.ai.endpoint);
  cli(ctx.env, "settings", "set", "ai_meta_model_endpoint", ctx.ai.endpoint);
  report.embedStatusCli = cli(ctx.env, "embed", "--status").trim?.() ?? null;

  report.cold = [];
  let pid;
  for (let i = 0; i < COLD_STARTS; i++) {
    const c = await coldStart(ctx);
    report.cold.push(c.row);
    log(`cold start ${i + 1}: ${JSON.stringify(c.row)}`);
    if (i < COLD_STARTS - 1) {
      await ctx.close(c.browser);
      await sleep(1000);
    } else {
      browser = c.browser;
      pid = c.pid;
    }
  }

  log("10k: idle 10 s, memory");
  await sleep(10000);
  report.memStart = memory(pid);

  const queries = JSON.parse(fs.readFileSync(path.join(repo, "crates/bench/data/relevance-queries.json"), "utf8"));
  log(`keystrokes: ${queries.length} queries x ${ROUNDS} rounds`);
  report.keystrokes = await keystrokes(browser, queries);

  log(`hotkey: ${HOTKEY_SAMPLES} + ${HOTKEY_SAMPLES} presses`);
  report.hotkey = await hotkey(ctx, browser);
  await invoke(browser, "show_window");

  log("10k after the runs: window shown, idle 10 s, memory");
  await sleep(10000);
  report.memIdle = memory(pid);
  report.embedStatusEnd = (await invoke(browser, "embed_status")).ok ?? null;
} finally {
  if (browser) await ctx.close(browser);
  await ctx.tearDown();
}

// ---------------------------------------------------------------- summary

const ks = report.keystrokes;
const by = (rows, f) => pct(rows.map(f));
const r1 = ks.filter((r) => r.round === 1);
const rN = ks.filter((r) => r.round > 1);
report.summary = {
  lexRound1: by(r1, (r) => r.lex),
  lexFrameRound1: by(r1, (r) => r.lexFrame),
  semRound1: by(r1, (r) => r.sem),
  semFrameRound1: by(r1, (r) => r.semFrame),
  lexRepeat: by(rN, (r) => r.lex),
  semRepeat: by(rN, (r) => r.sem),
  lexAll: by(ks, (r) => r.lex),
  lexFrameAll: by(ks, (r) => r.lexFrame),
  lexBackendTook: by(ks, (r) => r.lexTook),
  semBackendTook: by(r1, (r) => r.semTook),
  lexMismatches: ks.filter((r) => !r.lexMatches).length,
  lexSetMismatches: ks.filter((r) => !r.lexSameSet).length,
  lexFirstMismatches: ks.filter((r) => !r.lexFirstSame).length,
  lexUnstable: ks.filter((r) => !r.lexStable).length,
  semMissing: ks.filter((r) => r.sem == null).length,
  prefixUnsettled: ks.filter((r) => !r.prefixSettled).length,
  hotkeyXdotool: by(report.hotkey.rows.filter((r) => r.series === "event"), (r) => r.xdotool),
  hotkeyEvent: by(report.hotkey.rows.filter((r) => r.series === "event"), (r) => r.event),
  hotkeyFrame: by(report.hotkey.rows.filter((r) => r.series === "event"), (r) => r.frame),
  hotkeyX: by(report.hotkey.rows.filter((r) => r.series === "x"), (r) => r.visible),
  hotkeyMissed: report.hotkey.rows.filter((r) => (r.series === "event" ? r.event : r.visible) == null).length,
  coldProcToDcl: by(report.cold, (r) => r.procToDclMs),
  coldProcToRecent: by(report.cold, (r) => r.procToRecentSeenMs),
  coldFirstLex: by(report.cold, (r) => r.firstLexMs),
  coldFirstSem: by(report.cold, (r) => r.firstSemMs),
};
for (const k of ["semRound1", "semRepeat"]) {
  for (const kind of ["keyword", "paraphrase", "short", "chinese"]) {
    report.summary[`${k}_${kind}`] = by(ks.filter((r) => (k === "semRound1" ? r.round === 1 : r.round > 1) && r.kind === kind), (r) => r.sem);
  }
}
fs.writeFileSync(out, JSON.stringify(report, null, 2));

const S = report.summary;
const ms = (x) => (x == null ? "-" : x < 10 ? x.toFixed(1) : Math.round(x).toString());
const pp = (p) => `${ms(p.p50)} / ${ms(p.p95)} ms (n=${p.n})`;
const mem = (m) => {
  const names = {};
  for (const r of m.rows) {
    const n = names[r.name] ?? (names[r.name] = { rss: 0, pss: 0 });
    n.rss += r.rss;
    n.pss += r.pss ?? 0;
  }
  return Object.entries(names).map(([n, v]) => `${n} ${v.rss.toFixed(0)}/${v.pss.toFixed(0)}`).join(", ") + `; total RSS ${m.rss.toFixed(0)} MiB, PSS ${m.pss.toFixed(0)} MiB`;
};
console.log(`
Desktop app benchmark: ${report.machine}
Library: ${N} prompts, every MiniLM vector present${lib_(report.library)}
| measure | p50 / p95 |
|---|---|
| keystroke -> keyword list in the DOM (first time each query) | ${pp(S.lexRound1)} |
| keystroke -> keyword list, next frame                         | ${pp(S.lexFrameRound1)} |
| keystroke -> fused (semantic) list in the DOM (first time)    | ${pp(S.semRound1)} |
| keystroke -> fused list, next frame                           | ${pp(S.semFrameRound1)} |
| keystroke -> keyword list (repeat round)                      | ${pp(S.lexRepeat)} |
| keystroke -> fused list (repeat round, query vector cached)   | ${pp(S.semRepeat)} |
| backend took_ms shown: keyword / fused                        | ${pp(S.lexBackendTook)} ; ${pp(S.semBackendTook)} |
| hotkey: xdotool key run                                        | ${pp(S.hotkeyXdotool)} |
| hotkey -> window-shown event in the page                       | ${pp(S.hotkeyEvent)} |
| hotkey -> first frame after the event                          | ${pp(S.hotkeyFrame)} |
| hotkey -> window mapped (xdotool search polling)               | ${pp(S.hotkeyX)} |
| cold start: process -> DOMContentLoaded                        | ${pp(S.coldProcToDcl)} |
| cold start: process -> Recent list seen over WebDriver         | ${pp(S.coldProcToRecent)} |
| cold start: first keystroke -> keyword list                    | ${pp(S.coldFirstLex)} |
| cold start: first keystroke -> fused list                      | ${pp(S.coldFirstSem)} |
Keyword lists not equal to search_lexical's (order / set / first hit): ${S.lexMismatches} / ${S.lexSetMismatches} / ${S.lexFirstMismatches}; search_lexical order differing between two calls: ${S.lexUnstable}; fused lists missing: ${S.semMissing}; prefixes not settled: ${S.prefixUnsettled}; hotkey presses missed: ${S.hotkeyMissed}
Memory (MiB, RSS/PSS by process name):
  empty library, 10 s after start: ${mem(report.memEmpty)}
  ${N}, 10 s after start:           ${mem(report.memStart)}
  ${N}, after the runs, idle 10 s:  ${mem(report.memIdle)}
Full report: ${out}`);

function lib_(l) {
  return l.cached ? " (cached library)" : `; import ${l.importS.toFixed(1)} s, embed ${l.embedS.toFixed(0)} s`;
}
