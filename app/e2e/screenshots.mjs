// Starts the built app under Xvfb on a demo library (the shared
// prompts.chat collection) and saves screenshots of the Search tab with
// results, the Edit tab, the polish diff and Settings into
// docs/screenshots/. Run by scripts/screenshots.sh.
import fs from "node:fs";
import path from "node:path";
import { byTestId, cli, eventually, repo, setUp, textOf } from "./lib/harness.mjs";

const out = path.join(repo, "docs/screenshots");
fs.mkdirSync(out, { recursive: true });
const shared = process.env.PROMPTVAULT_SHARED_DATA ?? path.resolve(repo, "../shared/data");

const ctx = await setUp();
// Imported with its embeddings (about 30 s), so the first search is already fused.
cli(ctx.env, "import", path.join(shared, "prompts-chat/prompts.csv"));
const browser = await ctx.open();
const shot = async (name) => {
  await new Promise((r) => setTimeout(r, 400));
  await browser.saveScreenshot(path.join(out, `${name}.png`));
  console.log(`saved docs/screenshots/${name}.png`);
};
try {
  await browser.setWindowSize(960, 680);
  const input = await byTestId(browser, "search-input");
  await input.setValue("help me write a cover letter");
  await eventually(browser, async () => (await browser.$$('[data-testid="result-item"]')).length > 3, "results", 60000);
  await eventually(browser, async () => (await textOf(await byTestId(browser, "search-mode"))).toLowerCase().includes("semantic"), "fused results", 120000).catch(() => {});
  await shot("search");

  await browser.keys(["Control", "e"]);
  await browser.keys("Control");
  await byTestId(browser, "editor-content").waitForDisplayed({ timeout: 10000 });
  await shot("edit");

  await byTestId(browser, "editor-duplicate").isExisting();
  await byTestId(browser, "editor-new").click();
  await byTestId(browser, "editor-content").setValue("Write a cover letter for a junior data analyst job.\nMention SQL and Python.");
  await byTestId(browser, "polish-button").click();
  await byTestId(browser, "polish-strategy-concise").click();
  await byTestId(browser, "diff-view").waitForDisplayed({ timeout: 20000 });
  await shot("diff");
  await byTestId(browser, "diff-reject").click();

  await byTestId(browser, "tab-settings").click();
  await byTestId(browser, "hotkey-value").waitForDisplayed({ timeout: 10000 });
  await shot("settings");
} finally {
  await ctx.close(browser);
  await ctx.tearDown();
}
