// A new global shortcut recorded in Settings is registered, saved, and
// still there after the app restarts.
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
});
