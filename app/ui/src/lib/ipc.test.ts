import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { invoke } from "@tauri-apps/api/core";
import * as ipc from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));
const inv = vi.mocked(invoke);

const w = window as unknown as Record<string, unknown>;
beforeEach(() => {
  w.__TAURI_INTERNALS__ = {};
  inv.mockResolvedValue(null);
});
afterEach(() => {
  delete w.__TAURI_INTERNALS__;
});

describe("ipc bridge", () => {
  it("passes the contract's command names and camelCase argument keys", async () => {
    const filters = { source: null, is_private: null, tag: null, limit: 50 };
    const fields = { content: "c", synopsis: null, tags: [], score: null, is_private: true };
    await ipc.searchLexical("q", filters);
    await ipc.searchHybrid("q", filters);
    await ipc.suggest("pre");
    await ipc.updatePrompt("id1", fields);
    await ipc.copyPrompt("id1", null);
    await ipc.aiPolish("text", "clarity");
    await ipc.setSetting("k", 5);
    await ipc.setHotkey("Alt+Space");
    await ipc.hideWindow();
    expect(inv.mock.calls).toEqual([
      ["search_lexical", { query: "q", filters }],
      ["search_hybrid", { query: "q", filters }],
      ["suggest", { prefix: "pre" }],
      ["update_prompt", { id: "id1", fields }],
      ["copy_prompt", { id: "id1", query: null }],
      ["ai_polish", { content: "text", strategy: "clarity" }],
      ["set_setting", { key: "k", value: 5 }],
      ["set_hotkey", { accelerator: "Alt+Space" }],
      ["hide_window", undefined],
    ]);
  });

  it("normalises rejections into { kind, message }", async () => {
    inv.mockRejectedValueOnce("plain failure");
    await expect(ipc.getPrompt("x")).rejects.toEqual({ kind: "internal", message: "plain failure" });
    inv.mockRejectedValueOnce({ kind: "immutable", message: "uploaded" });
    await expect(ipc.updatePrompt("x", { content: "", synopsis: null, tags: [], score: null, is_private: true })).rejects.toEqual({
      kind: "immutable",
      message: "uploaded",
    });
  });

  it("rejects clearly outside the Tauri webview", async () => {
    delete w.__TAURI_INTERNALS__;
    await expect(ipc.embedStatus()).rejects.toMatchObject({ kind: "internal", message: expect.stringContaining("Tauri") });
    expect(inv).not.toHaveBeenCalled();
  });
});
