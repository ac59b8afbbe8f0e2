/**
 * Test double for "@/lib/ipc": every command is a vi.fn() with a harmless default.
 * Use in a test file with:  vi.mock("@/lib/ipc", () => import("@/test/ipcMock"));
 */
import { vi } from "vitest";
import type { SearchFilters, SearchResults } from "@/bindings";

const actual = await vi.importActual<typeof import("@/lib/ipc")>("@/lib/ipc");
export const toVaultError = actual.toVaultError;
export const isVaultError = actual.isVaultError;

export const emptyResults = (query: string, semantic = false): SearchResults => ({
  query,
  hits: [],
  semantic,
  tag_count: 0,
  fts_count: 0,
  vector_count: 0,
  took_ms: 1,
});

const noop = () => {};

export const searchLexical = vi.fn(async (query: string, _f: SearchFilters) => emptyResults(query));
export const searchHybrid = vi.fn(async (query: string, _f: SearchFilters) => emptyResults(query, true));
export const suggest = vi.fn(async (_prefix: string) => []);
export const recordSearch = vi.fn(async (_q: string) => null);
export const getPrompt = vi.fn();
export const createPrompt = vi.fn();
export const updatePrompt = vi.fn();
export const deletePrompt = vi.fn();
export const duplicatePrompt = vi.fn();
export const copyPrompt = vi.fn(async (_id: string, _q: string | null) => null);
export const copyText = vi.fn(async (_t: string) => null);
export const hideWindow = vi.fn(async () => null);
export const aiStrategies = vi.fn(async () => []);
export const aiPolish = vi.fn();
export const aiMetadata = vi.fn();
export const aiGenerate = vi.fn();
export const aiCancel = vi.fn(async () => null);
export const getSettings = vi.fn(async () => []);
export const setSetting = vi.fn();
export const setHotkey = vi.fn();
export const suspendHotkey = vi.fn(async (_suspended: boolean) => null);
export const keyStatus = vi.fn(async () => ({ set: false, source: null, placeholder: false, keychain_error: null }));
export const setApiKey = vi.fn();
export const clearApiKey = vi.fn();
export const embedStatus = vi.fn(async () => ({
  model: "bge-small-en-v1.5",
  phase: "ready" as const,
  error: null,
  total: 0,
  embedded: 0,
  stale: 0,
  progress: null,
  download: null,
}));
export const onEmbedState = vi.fn(async (_cb: unknown) => noop);
export const onWindowShown = vi.fn(async (_cb: unknown) => noop);
export const onOpenSettings = vi.fn(async (_cb: unknown) => noop);
