// The main flows through the real app and webview: create, find by a
// paraphrase, copy; read-only uploaded prompts; polish and accept; an
// empty search turned into a generated draft.
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Key } from "webdriverio";
import { byTestId, eventually, setUp, textOf } from "../lib/harness.mjs";
import { GENERATED, POLISHED_SUFFIX } from "../lib/fake-ai.mjs";

const UPLOADED_ID = "5b0c1f6e-7a1d-4c55-9a0e-3f1e2d4c5b6a";
const SEED = [
  {
    id: UPLOADED_ID,
    content: "Explain what this SQL query does, clause by clause: {query}",
    synopsis: "Shared SQL explainer",
    tags: ["sql"],
    score: 75,
    is_private: false,
    uploaded_at: "2026-11-30T10:00:00Z",
    source: "local",
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
  },
  { content: "Act as a Linux terminal. Reply only with the terminal output.", synopsis: "Linux terminal", tags: ["linux"] },
  { content: "Translate the following text into French, keeping the tone.", synopsis: "French translator", tags: ["translation"] },
];

const MEAL = "Suggest a weekly dinner plan with recipes and a shopping list for a family of four.";

describe("desktop flows", () => {
  let ctx;
  let browser;

  before(async () => {
    ctx = await setUp({ seed: SEED });
    browser = await ctx.open();
  });

  after(async () => {
    if (browser) await ctx.close(browser);
    await ctx?.tearDown();
  });

  const el = (id) => byTestId(browser, id);
  const toastWith = (text) =>
    eventually(browser, async () => (await textOf(await browser.$("body"))).includes(text), `toast "${text}"`);

  async function search(query) {
    await el("tab-search").click();
    const input = await el("search-input");
    await input.clearValue();
    await input.setValue(query);
  }

  async function firstResultText() {
    const items = await browser.$$('[data-testid="result-item"]');
    return items.length ? textOf(items[0]) : "";
  }

  it("creates a prompt, finds it by a paraphrase and copies it", async () => {
    await el("tab-edit").click();
    await el("editor-new").click();
    await el("editor-content").setValue(MEAL);
    await el("editor-synopsis").setValue("Family meal planner");
    await el("editor-save").click();
    await toastWith("Saved");

    // No keyword in common: found by meaning once the model is loaded and
    // the new prompt is embedded in the background.
    await search("what should we cook for supper");
    await eventually(
      browser,
      async () => (await textOf(await el("search-mode"))).toLowerCase().includes("semantic") &&
        (await firstResultText()).includes("Family meal planner"),
      "the paraphrase to find the new prompt first",
      90000,
    );
    await browser.keys(Key.Enter);
    await eventually(browser, () => ctx.clipboard() === MEAL, "the prompt on the clipboard");
    await browser.execute(() => window.__TAURI_INTERNALS__.invoke("show_window"));
  });

  it("opens an uploaded prompt read-only and duplicates it to edit", async () => {
    await search("Shared SQL explainer");
    await eventually(browser, async () => (await firstResultText()).includes("Shared SQL explainer"), "the uploaded prompt");
    await browser.keys([Key.Ctrl, "e"]);
    await browser.keys(Key.Ctrl);
    const notice = await el("readonly-notice");
    await notice.waitForDisplayed({ timeout: 10000 });
    assert.match(await textOf(notice), /uploaded/i);
    assert.equal(await el("editor-save").isEnabled(), false);
    assert.equal(await el("editor-content").isEnabled(), false);
    assert.equal(await el("polish-button").isEnabled(), false);

    await el("editor-duplicate").click();
    await eventually(browser, async () => !(await el("readonly-notice").isExisting()), "an editable copy");
    assert.equal(await el("editor-content").isEnabled(), true);
    assert.equal(await el("editor-content").getValue(), SEED[0].content);
  });

  it("polishes with the AI server and accepts the diff", async () => {
    await el("tab-edit").click();
    await el("editor-new").click();
    await el("editor-content").setValue("Explain recursion to a beginner.");
    await el("polish-button").click();
    await el("polish-strategy-concise").click();
    const diff = await el("diff-view");
    await diff.waitForDisplayed({ timeout: 20000 });
    assert.match(await textOf(diff), new RegExp(POLISHED_SUFFIX));
    await el("diff-accept").click();
    await eventually(
      browser,
      async () => (await el("editor-content").getValue()) === `Explain recursion to a beginner.\n${POLISHED_SUFFIX}`,
      "the accepted text in the editor",
    );
    await el("metadata-button").click();
    await eventually(
      browser,
      async () => (await el("editor-synopsis").getValue()) === "Explains recursion to beginners.",
      "the generated synopsis",
    );
    await el("editor-save").click();
    await toastWith("Saved");
    assert.ok(
      ctx.ai.requests.some((r) => r.messages.some((m) => m.content.includes("<prompt>\nExplain recursion to a beginner."))),
      "the polish request carried the editor's text",
    );
  });

  it("turns an empty search into a generated, unsaved draft", async () => {
    await search("zzqxv naming pets for my hamster");
    await eventually(browser, async () => (await el("empty-state")).isDisplayed(), "the empty state");
    assert.equal(await el("generate-query").getValue(), "zzqxv naming pets for my hamster");
    await el("generate-button").click();
    await eventually(browser, async () => (await el("editor-content").getValue()) === GENERATED, "the generated draft");
    assert.equal(await el("editor-save").isEnabled(), true, "the draft is not saved yet");
  });

  it("shows the search tab on the global hotkey and hides on the next press", async () => {
    // Real key events on the X display, as a user pressing Ctrl+Shift+P anywhere.
    const x = { env: { ...process.env, DISPLAY: ctx.env.DISPLAY } };
    const press = () => spawnSync("xdotool", ["key", "--delay", "0", "ctrl+shift+p"], x);
    const visible = () => spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^PromptVault$"], x).status === 0;
    const waitFor = async (want, what) => {
      for (let i = 0; i < 100 && visible() !== want; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(visible(), want, what);
    };
    await el("tab-settings").click();
    await browser.execute(() => window.__TAURI_INTERNALS__.invoke("hide_window"));
    await waitFor(false, "hidden");

    press();
    await waitFor(true, "shown by the hotkey");
    await eventually(
      browser,
      async () => (await el("tab-search").getAttribute("aria-selected")) === "true",
      "the search tab",
    );
    await eventually(
      browser,
      () => browser.execute(() => document.activeElement?.getAttribute("data-testid") === "search-input"),
      "the search input focused",
    );

    press();
    await waitFor(false, "hidden by the hotkey pressed again");
    await browser.execute(() => window.__TAURI_INTERNALS__.invoke("show_window"));
  });
});
