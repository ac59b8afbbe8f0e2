/**
 * The one and only bridge to the Tauri backend. Every command and event the UI
 * uses goes through here; nothing else imports `@tauri-apps/api/core` or `/event`.
 *
 * Argument keys are camelCase: Tauri maps them onto the Rust snake_case parameters.
 * Every rejection is normalised into a `VaultError` ({ kind, message }).
 */
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Draft,
  EmbedState,
  GeneratedMetadata,
  JsonValue,
  KeyStatus,
  Polished,
  Prompt,
  PromptFields,
  SearchFilters,
  SearchResults,
  SettingEntry,
  StrategyInfo,
  Suggestion,
  VaultError,
} from "@/bindings";

export type { VaultError };

/** Turn anything a command can reject with into `{ kind, message }`. */
export function toVaultError(err: unknown): VaultError {
  if (typeof err === "string") return { kind: "internal", message: err };
  if (err && typeof err === "object") {
    const o = err as Record<string, unknown>;
    if (typeof o.kind === "string") {
      const message =
        typeof o.message === "string" ? o.message : o.message != null ? String(o.message) : o.kind;
      return { kind: o.kind, message };
    }
    if (err instanceof Error) return { kind: "internal", message: err.message };
    if (typeof o.message === "string") return { kind: "internal", message: o.message };
    try {
      return { kind: "internal", message: JSON.stringify(err) };
    } catch {
      return { kind: "internal", message: String(err) };
    }
  }
  return { kind: "internal", message: err === undefined ? "Unknown error" : String(err) };
}

export function isVaultError(err: unknown): err is VaultError {
  return (
    !!err &&
    typeof err === "object" &&
    typeof (err as VaultError).kind === "string" &&
    typeof (err as VaultError).message === "string"
  );
}

const inTauri = () => typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!inTauri()) {
    throw { kind: "internal", message: "Not running inside the PromptVault app (no Tauri backend)" } satisfies VaultError;
  }
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw toVaultError(err);
  }
}

// ---- search -----------------------------------------------------------------
export const searchLexical = (query: string, filters: SearchFilters) =>
  call<SearchResults>("search_lexical", { query, filters });
export const searchHybrid = (query: string, filters: SearchFilters) =>
  call<SearchResults>("search_hybrid", { query, filters });
export const suggest = (prefix: string) => call<Suggestion[]>("suggest", { prefix });
export const recordSearch = (query: string) => call<null>("record_search", { query });

// ---- prompts ----------------------------------------------------------------
export const getPrompt = (id: string) => call<Prompt>("get_prompt", { id });
export const createPrompt = (fields: PromptFields) => call<Prompt>("create_prompt", { fields });
export const updatePrompt = (id: string, fields: PromptFields) =>
  call<Prompt>("update_prompt", { id, fields });
export const deletePrompt = (id: string) => call<Prompt>("delete_prompt", { id });
export const duplicatePrompt = (id: string) => call<Prompt>("duplicate_prompt", { id });

// ---- clipboard / window -----------------------------------------------------
export const copyPrompt = (id: string, query: string | null) =>
  call<null>("copy_prompt", { id, query });
export const copyText = (text: string) => call<null>("copy_text", { text });
export const hideWindow = () => call<null>("hide_window");

// ---- AI ---------------------------------------------------------------------
export const aiStrategies = () => call<StrategyInfo[]>("ai_strategies");
export const aiPolish = (content: string, strategy: string) =>
  call<Polished>("ai_polish", { content, strategy });
export const aiMetadata = (content: string) => call<GeneratedMetadata>("ai_metadata", { content });
export const aiGenerate = (query: string) => call<Draft>("ai_generate", { query });
export const aiCancel = () => call<null>("ai_cancel");

// ---- settings ---------------------------------------------------------------
export const getSettings = () => call<SettingEntry[]>("get_settings");
export const setSetting = (key: string, value: JsonValue) =>
  call<SettingEntry>("set_setting", { key, value });
export const setHotkey = (accelerator: string) => call<SettingEntry>("set_hotkey", { accelerator });
/** Releases the global hotkey while a new one is recorded (and takes it back). */
export const suspendHotkey = (suspended: boolean) => call<null>("suspend_hotkey", { suspended });
export const keyStatus = () => call<KeyStatus>("key_status");
export const setApiKey = (key: string) => call<KeyStatus>("set_api_key", { key });
export const clearApiKey = () => call<KeyStatus>("clear_api_key");
export const embedStatus = () => call<EmbedState>("embed_status");

// ---- events -----------------------------------------------------------------
async function subscribe<T>(event: string, cb: (payload: T) => void): Promise<UnlistenFn> {
  try {
    return await listen<T>(event, (e) => cb(e.payload));
  } catch (err) {
    // Outside Tauri (plain browser without the dev mock) there is no event bus.
    console.warn(`[ipc] cannot listen to ${event}:`, toVaultError(err).message);
    return () => {};
  }
}

/** Model load / re-embedding progress. */
export const onEmbedState = (cb: (state: EmbedState) => void) =>
  subscribe<EmbedState>("embed-state", cb);
/** The hotkey or tray showed the window. */
export const onWindowShown = (cb: () => void) => subscribe<unknown>("window-shown", () => cb());
/** The tray menu asked for the Settings tab. */
export const onOpenSettings = (cb: () => void) => subscribe<unknown>("open-settings", () => cb());

export type Unlisten = UnlistenFn;
