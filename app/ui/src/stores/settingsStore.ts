import { create } from "zustand";
import { toast } from "sonner";
import type { EmbedState, JsonValue, KeyStatus, SettingEntry } from "@/bindings";
import * as ipc from "@/lib/ipc";

type SettingsState = {
  entries: SettingEntry[];
  loading: boolean;
  loaded: boolean;
  loadError: string | null;
  /** inline validation error per setting key */
  errors: Record<string, string>;
  saving: Record<string, boolean>;
  hotkeyError: string | null;
  hotkeyBusy: boolean;
  keyStatus: KeyStatus | null;
  keyError: string | null;
  keyBusy: boolean;
  embed: EmbedState | null;

  load: () => Promise<void>;
  entry: (key: string) => SettingEntry | undefined;
  save: (key: string, value: JsonValue) => Promise<boolean>;
  setError: (key: string, message: string | null) => void;
  setHotkey: (accelerator: string) => Promise<boolean>;
  clearHotkeyError: () => void;
  saveApiKey: (key: string) => Promise<boolean>;
  clearApiKey: () => Promise<boolean>;
  setEmbed: (s: EmbedState) => void;
  loadEmbed: () => Promise<void>;
};

const replaceEntry = (entries: SettingEntry[], e: SettingEntry) =>
  entries.some((x) => x.key === e.key) ? entries.map((x) => (x.key === e.key ? e : x)) : [...entries, e];

const without = (rec: Record<string, string>, key: string) => {
  const next = { ...rec };
  delete next[key];
  return next;
};

export const useSettingsStore = create<SettingsState>((set, get) => ({
  entries: [],
  loading: false,
  loaded: false,
  loadError: null,
  errors: {},
  saving: {},
  hotkeyError: null,
  hotkeyBusy: false,
  keyStatus: null,
  keyError: null,
  keyBusy: false,
  embed: null,

  load: async () => {
    set({ loading: true, loadError: null });
    const [settings, key, embed] = await Promise.allSettled([
      ipc.getSettings(),
      ipc.keyStatus(),
      ipc.embedStatus(),
    ]);
    set({
      loading: false,
      loaded: true,
      entries: settings.status === "fulfilled" ? settings.value : get().entries,
      loadError: settings.status === "rejected" ? ipc.toVaultError(settings.reason).message : null,
      keyStatus: key.status === "fulfilled" ? key.value : get().keyStatus,
      keyError: key.status === "rejected" ? ipc.toVaultError(key.reason).message : null,
      embed: embed.status === "fulfilled" ? embed.value : get().embed,
    });
  },

  entry: (key) => get().entries.find((e) => e.key === key),

  save: async (key, value) => {
    set({ saving: { ...get().saving, [key]: true } });
    try {
      const e = await ipc.setSetting(key, value);
      set({ entries: replaceEntry(get().entries, e), errors: without(get().errors, key) });
      return true;
    } catch (err) {
      set({ errors: { ...get().errors, [key]: ipc.toVaultError(err).message } });
      return false;
    } finally {
      set({ saving: { ...get().saving, [key]: false } });
    }
  },

  setError: (key, message) =>
    set({ errors: message ? { ...get().errors, [key]: message } : without(get().errors, key) }),

  setHotkey: async (accelerator) => {
    set({ hotkeyBusy: true, hotkeyError: null });
    try {
      const e = await ipc.setHotkey(accelerator);
      set({ entries: replaceEntry(get().entries, e) });
      toast.success(`Hotkey set to ${typeof e.value === "string" ? e.value : accelerator}`);
      return true;
    } catch (err) {
      set({ hotkeyError: ipc.toVaultError(err).message });
      return false;
    } finally {
      set({ hotkeyBusy: false });
    }
  },

  clearHotkeyError: () => set({ hotkeyError: null }),

  saveApiKey: async (key) => {
    if (!key.trim()) {
      set({ keyError: "Enter a key first" });
      return false;
    }
    set({ keyBusy: true, keyError: null });
    try {
      set({ keyStatus: await ipc.setApiKey(key.trim()) });
      toast.success("API key saved");
      return true;
    } catch (err) {
      set({ keyError: ipc.toVaultError(err).message });
      return false;
    } finally {
      set({ keyBusy: false });
    }
  },

  clearApiKey: async () => {
    set({ keyBusy: true, keyError: null });
    try {
      set({ keyStatus: await ipc.clearApiKey() });
      toast.success("API key removed");
      return true;
    } catch (err) {
      set({ keyError: ipc.toVaultError(err).message });
      return false;
    } finally {
      set({ keyBusy: false });
    }
  },

  setEmbed: (embed) => set({ embed }),

  loadEmbed: async () => {
    try {
      set({ embed: await ipc.embedStatus() });
    } catch {
      /* keep the last known state */
    }
  },
}));
