import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SettingEntry } from "@/bindings";
import * as ipc from "@/lib/ipc";
import { useSettingsStore } from "@/stores/settingsStore";
import { resetStores } from "@/test/fixtures";
import { SettingsTab } from "./SettingsTab";

vi.mock("@/lib/ipc", () => import("@/test/ipcMock"));
const m = vi.mocked(ipc);

const entry = (key: string, value: SettingEntry["value"], over: Partial<SettingEntry> = {}): SettingEntry => ({
  key,
  value,
  default_value: value,
  is_default: true,
  kind: typeof value === "number" ? "integer" : "string",
  options: null,
  description: `${key} description`,
  ...over,
});

const ENTRIES: SettingEntry[] = [
  entry("hotkey_config", "CmdOrCtrl+Shift+P"),
  entry("ai_polish_model_name", "gpt-4o-mini"),
  entry("ai_request_timeout_seconds", 60),
  entry("embedding_model", "bge-small", { kind: "enum", options: ["bge-small", "minilm"] }),
  entry("embedding_model_dir", null, { kind: "path" }),
];

const key = (code: string, mods: Partial<KeyboardEventInit> = {}) =>
  fireEvent.keyDown(window, { code, key: code.replace(/^Key/, "").toLowerCase(), ...mods });

async function setup() {
  const user = userEvent.setup();
  render(<SettingsTab />);
  await screen.findByTestId("hotkey-value");
  await waitFor(() => expect(screen.getByTestId("hotkey-value")).toHaveTextContent("CmdOrCtrl+Shift+P"));
  return user;
}

beforeEach(() => {
  resetStores();
  m.getSettings.mockResolvedValue(ENTRIES.map((e) => ({ ...e })));
  m.setHotkey.mockImplementation(async (acc: string) => entry("hotkey_config", acc, { is_default: false }));
});

describe("hotkey recorder", () => {
  it("turns a key combination into an accelerator and registers it", async () => {
    const user = await setup();
    await user.click(screen.getByTestId("hotkey-record"));
    expect(screen.getByTestId("hotkey-value")).toHaveTextContent("Press a key combination");
    // The live hotkey is released while recording, so pressing it records it.
    expect(m.suspendHotkey).toHaveBeenLastCalledWith(true);
    key("ControlLeft", { ctrlKey: true });
    expect(screen.getByTestId("hotkey-value")).toHaveTextContent("CmdOrCtrl+");
    key("AltLeft", { ctrlKey: true, altKey: true });
    key("KeyK", { ctrlKey: true, altKey: true });
    expect(m.setHotkey).toHaveBeenCalledWith("CmdOrCtrl+Alt+K");
    await waitFor(() => expect(screen.getByTestId("hotkey-value")).toHaveTextContent("CmdOrCtrl+Alt+K"));
    expect(screen.queryByTestId("hotkey-error")).toBeNull();
    expect(m.suspendHotkey).toHaveBeenLastCalledWith(false);
  });

  it("accepts a bare F-key and Alt+Space", async () => {
    const user = await setup();
    await user.click(screen.getByTestId("hotkey-record"));
    key("F9");
    expect(m.setHotkey).toHaveBeenLastCalledWith("F9");
    await waitFor(() => expect(screen.getByTestId("hotkey-record")).toHaveTextContent("Record"));
    await user.click(screen.getByTestId("hotkey-record"));
    key("Space", { altKey: true });
    expect(m.setHotkey).toHaveBeenLastCalledWith("Alt+Space");
  });

  it("needs a modifier for ordinary keys and keeps recording", async () => {
    const user = await setup();
    await user.click(screen.getByTestId("hotkey-record"));
    key("KeyA");
    expect(m.setHotkey).not.toHaveBeenCalled();
    expect(screen.getByText(/Add a modifier/)).toBeInTheDocument();
    key("KeyA", { shiftKey: true, metaKey: true });
    expect(m.setHotkey).toHaveBeenCalledWith("CmdOrCtrl+Shift+A");
  });

  it("Esc cancels recording and keeps the old value", async () => {
    const user = await setup();
    await user.click(screen.getByTestId("hotkey-record"));
    key("ControlLeft", { ctrlKey: true });
    key("Escape", { ctrlKey: true });
    expect(m.setHotkey).not.toHaveBeenCalled();
    expect(screen.getByTestId("hotkey-value")).toHaveTextContent("CmdOrCtrl+Shift+P");
    expect(screen.getByTestId("hotkey-record")).toHaveTextContent("Record");
  });

  it("a registration failure shows the error and keeps the old hotkey", async () => {
    m.setHotkey.mockRejectedValue({ kind: "hotkey", message: "CmdOrCtrl+Alt+K is already registered by another app" });
    const user = await setup();
    await user.click(screen.getByTestId("hotkey-record"));
    key("KeyK", { ctrlKey: true, altKey: true });
    expect(await screen.findByTestId("hotkey-error")).toHaveTextContent("already registered by another app");
    expect(screen.getByTestId("hotkey-value")).toHaveTextContent("CmdOrCtrl+Shift+P");
    expect(useSettingsStore.getState().entry("hotkey_config")?.value).toBe("CmdOrCtrl+Shift+P");
  });
});

describe("settings fields", () => {
  it("saves on Enter and shows the backend validation error inline", async () => {
    m.setSetting.mockRejectedValueOnce({ kind: "validation", message: "timeout must be between 1 and 600" });
    const user = await setup();
    const input = screen.getByTestId("setting-ai_request_timeout_seconds");
    await user.clear(input);
    await user.type(input, "9999{Enter}");
    expect(m.setSetting).toHaveBeenCalledWith("ai_request_timeout_seconds", 9999);
    expect(await screen.findByTestId("setting-error-ai_request_timeout_seconds")).toHaveTextContent(
      "timeout must be between 1 and 600",
    );
    m.setSetting.mockResolvedValueOnce(entry("ai_request_timeout_seconds", 90, { is_default: false }));
    await user.clear(input);
    await user.type(input, "90");
    await user.tab(); // blur saves
    expect(m.setSetting).toHaveBeenLastCalledWith("ai_request_timeout_seconds", 90);
    await waitFor(() => expect(screen.queryByTestId("setting-error-ai_request_timeout_seconds")).toBeNull());
  });

  it("catches a non-number locally without calling the backend", async () => {
    const user = await setup();
    const input = screen.getByTestId("setting-ai_request_timeout_seconds");
    await user.clear(input);
    await user.type(input, "-5{Enter}");
    expect(m.setSetting).not.toHaveBeenCalled();
    expect(screen.getByTestId("setting-error-ai_request_timeout_seconds")).toHaveTextContent("whole number");
  });

  it("saves a select on change and an emptied optional path as null", async () => {
    m.setSetting.mockImplementation(async (k: string, v) => entry(k, v, { is_default: false }));
    const user = await setup();
    await user.selectOptions(screen.getByTestId("setting-embedding_model"), "minilm");
    expect(m.setSetting).toHaveBeenCalledWith("embedding_model", "minilm");
    const dir = screen.getByTestId("setting-embedding_model_dir");
    await user.type(dir, "/models/x{Enter}");
    expect(m.setSetting).toHaveBeenLastCalledWith("embedding_model_dir", "/models/x");
  });

  it("API key: saves via set_api_key, shows only the status, clears", async () => {
    m.setApiKey.mockResolvedValue({ set: true, source: "keychain", placeholder: false, keychain_error: null });
    m.clearApiKey.mockResolvedValue({ set: false, source: null, placeholder: false, keychain_error: null });
    const user = await setup();
    expect(screen.getByTestId("api-key-status")).toHaveTextContent("Not set");
    await user.type(screen.getByTestId("api-key-input"), "sk-secret");
    await user.click(screen.getByTestId("api-key-save"));
    expect(m.setApiKey).toHaveBeenCalledWith("sk-secret");
    await waitFor(() => expect(screen.getByTestId("api-key-status")).toHaveTextContent("Set (keychain)"));
    expect(screen.getByTestId("api-key-input")).toHaveValue("");
    expect(document.body.textContent).not.toContain("sk-secret");
    await user.click(screen.getByTestId("api-key-clear"));
    await waitFor(() => expect(screen.getByTestId("api-key-status")).toHaveTextContent("Not set"));
  });

  it("shows embedding progress from embed-state", async () => {
    await setup();
    useSettingsStore.getState().setEmbed({
      model: "bge-small",
      phase: "embedding",
      error: null,
      total: 10,
      embedded: 4,
      stale: 6,
      progress: { done: 5, failed: 0, total: 10, docs_per_sec: 12.5 },
      download: null,
    });
    await waitFor(() => expect(screen.getByTestId("embed-progress")).toHaveTextContent("5/10 · 12.5 docs/s"));
    expect(screen.getByTestId("embed-progress")).toHaveAttribute("data-phase", "embedding");
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
  });

  it("shows the model download from embed-state", async () => {
    await setup();
    useSettingsStore.getState().setEmbed({
      model: "BAAI/bge-small-en-v1.5",
      phase: "downloading",
      error: null,
      total: 10,
      embedded: 0,
      stale: 10,
      progress: null,
      download: { file: "model.onnx", file_done: 52428800, file_total: 104857600, files_done: 0, files_total: 5 },
    });
    await waitFor(() =>
      expect(screen.getByTestId("embed-progress")).toHaveTextContent("model.onnx · 50.0 MiB / 100.0 MiB · file 1 of 5"),
    );
    expect(screen.getByTestId("embed-progress")).toHaveTextContent("Downloading model");
    // Half of the first of five files: 10%.
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "10");
  });
});
