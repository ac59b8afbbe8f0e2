// A new global shortcut recorded in Settings is registered, saved, and
// still there after the app restarts.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Key } from "webdriverio";
import { byTestId, cli, eventually, setUp, textOf } from "../lib/harness.mjs";

describe("hotkey settings", () => {
  let ctx;
  before(async () => {
    ctx = await setUp();
  });
  after(async () => ctx?.tearDown());

  it("records a combination and keeps it after a restart", async () => {
    let browser = await ctx.open();
    await byTestId(browser, "tab-settings").click();
    const value = await byTestId(browser, "hotkey-value");
    await value.waitForDisplayed({ timeout: 10000 });
    assert.match(await textOf(value), /CmdOrCtrl\+Shift\+P/);
    await byTestId(browser, "hotkey-record").click();
    await browser.keys([Key.Ctrl, Key.Alt, "k"]);
    await browser.keys([Key.Ctrl, Key.Alt]);
    await eventually(browser, async () => /CmdOrCtrl\+Alt\+K/.test(await textOf(value)), "the new hotkey");
    await ctx.close(browser);

    assert.equal(JSON.parse(cli(ctx.env, "settings", "get", "hotkey_config", "--json")), "CmdOrCtrl+Alt+K");

    browser = await ctx.open();
    await byTestId(browser, "tab-settings").click();
    await eventually(
      browser,
      async () => /CmdOrCtrl\+Alt\+K/.test(await textOf(await byTestId(browser, "hotkey-value"))),
      "the hotkey after a restart",
    );
    await ctx.close(browser);
  });

  it("refuses a combination another application holds and keeps the current one", async () => {
    // Another X client grabs Ctrl+Alt+J, as a global shortcut of another app would.
    const grabber = path.join(path.dirname(fileURLToPath(import.meta.url)), "../lib/grab-key.py");
    const grab = spawn("python3", [grabber, "ctrl+alt+j"], {
      env: { ...process.env, DISPLAY: ctx.env.DISPLAY },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve, reject) => {
      grab.stdout.once("data", resolve);
      grab.once("exit", (code) => reject(new Error(`grab-key.py exited with ${code}`)));
    });
    const browser = await ctx.open();
    try {
      await byTestId(browser, "tab-settings").click();
      const value = await byTestId(browser, "hotkey-value");
      await value.waitForDisplayed({ timeout: 10000 });
      const before = await textOf(value);
      await byTestId(browser, "hotkey-record").click();
      await browser.keys([Key.Ctrl, Key.Alt, "j"]);
      await browser.keys([Key.Ctrl, Key.Alt]);
      const error = await eventually(
        browser,
        async () => (await byTestId(browser, "hotkey-error")).isExisting() && textOf(await byTestId(browser, "hotkey-error")),
        "the refusal",
      );
      assert.match(error, /cannot register CmdOrCtrl\+Alt\+J/);
      assert.equal(await textOf(value), before);
    } finally {
      grab.kill();
      await ctx.close(browser);
    }
    assert.equal(JSON.parse(cli(ctx.env, "settings", "get", "hotkey_config", "--json")), "CmdOrCtrl+Alt+K");
  });
});
