/**
 * DEV ONLY: an in-memory fake of the Rust backend so the UI can run in a plain
 * browser (`npm run dev` without Tauri). Loaded by main.tsx only when
 * `import.meta.env.DEV` and there is no Tauri webview; never in a production build.
 * It plugs in below ipc.ts (through Tauri's own mockIPC), so ipc.ts runs as in the app.
 */
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  DiffLine,
  EmbedState,
  JsonValue,
  KeyStatus,
  Prompt,
  PromptFields,
  SearchFilters,
  SearchHit,
  SearchResults,
  SettingEntry,
  StrategyInfo,
  Suggestion,
} from "@/bindings";

const now = () => new Date().toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let idn = 100;

const mk = (over: Partial<Prompt> & { content: string }): Prompt => ({
  id: `p${++idn}`,
  synopsis: null,
  tags: [],
  score: null,
  owner_id: "local-user",
  is_private: true,
  uploaded_at: null,
  source: "local",
  created_at: now(),
  updated_at: now(),
  ...over,
});

const prompts: Prompt[] = [
  mk({
    content: "You are a senior code reviewer. Review the following diff for bugs, security issues and readability.\nBe concise; group findings by severity.",
    synopsis: "Thorough code review of a diff",
    tags: ["code", "review"],
    score: 88,
  }),
  mk({
    content: "Summarize the text below in 5 bullet points for a busy executive.\nKeep each bullet under 15 words.",
    synopsis: "Executive summary in five bullets",
    tags: ["writing", "summary"],
    score: 74,
    is_private: false,
    uploaded_at: now(),
  }),
  mk({
    content: "Translate the following text into idiomatic French, preserving tone and formatting.",
    synopsis: "Idiomatic French translation",
    tags: ["translation", "french"],
    score: 69,
    source: "synced",
    owner_id: "someone-else",
    is_private: false,
    uploaded_at: now(),
  }),
  mk({
    content: "Write a SQL query that returns the top 10 customers by revenue in the last 90 days.",
    tags: ["sql", "data"],
    score: 55,
    is_private: false,
  }),
  mk({
    content: "Explain this regular expression step by step, then give three strings it matches and three it does not.",
    synopsis: "Explain a regex",
    tags: ["code", "regex"],
  }),
];
const history: string[] = ["code review", "summary"];

const settings: SettingEntry[] = [
  ["hotkey_config", "CmdOrCtrl+Shift+P", "string", null, "Global shortcut that shows the window"],
  ["ai_polish_model_endpoint", "https://api.openai.com/v1", "string", null, "OpenAI-compatible base URL for polishing"],
  ["ai_polish_model_name", "gpt-4o-mini", "string", null, "Model used to polish prompts"],
  ["ai_meta_model_endpoint", "https://api.openai.com/v1", "string", null, "Base URL for metadata generation"],
  ["ai_meta_model_name", "gpt-4o-mini", "string", null, "Model used for metadata"],
  ["ai_request_timeout_seconds", 60, "integer", null, "Give up on an AI request after this long"],
  ["sync_upload_interval_minutes", 15, "integer", null, "How often to upload public prompts"],
  ["sync_download_interval_minutes", 60, "integer", null, "How often to download shared prompts"],
  ["analytics_interval_seconds", 300, "integer", null, "How often to send analytics batches"],
  ["embedding_model", "bge-small-en-v1.5", "enum", ["bge-small-en-v1.5", "all-minilm-l6-v2", "custom"], "Embedding model preset"],
  ["embedding_model_dir", null, "path", null, "Folder with a custom ONNX model"],
  ["onnxruntime_library", null, "path", null, "Path to libonnxruntime"],
].map(([key, def, kind, options, description]) => ({
  key: key as string,
  value: def as JsonValue,
  default_value: def as JsonValue,
  is_default: true,
  kind: kind as string,
  options: options as string[] | null,
  description: description as string,
}));

let keyStatus: KeyStatus = { set: false, source: null, placeholder: false, keychain_error: null };
const embed: EmbedState = { model: "bge-small-en-v1.5", phase: "ready", error: null, total: prompts.length, embedded: prompts.length, stale: 0, progress: null, download: null };
let cancelAi: (() => void) | null = null;

const strategies: StrategyInfo[] = [
  { id: "clarity", group: "general", label: "Improve clarity" },
  { id: "concise", group: "general", label: "Make concise" },
  { id: "formal", group: "style", label: "More formal" },
  { id: "friendly", group: "style", label: "Friendlier" },
  { id: "claude", group: "target", label: "Optimise for Claude" },
  { id: "gpt", group: "target", label: "Optimise for GPT" },
];

function reject(kind: string, message: string): never {
  throw { kind, message };
}

function find(id: string): Prompt {
  return prompts.find((p) => p.id === id) ?? reject("not_found", `No prompt ${id}`);
}

function search(query: string, filters: SearchFilters, semantic: boolean): SearchResults {
  const t0 = performance.now();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let pool = prompts.filter((p) => !filters.source || p.source === filters.source);
  if (words.length) {
    pool = pool.filter((p) => {
      const hay = `${p.content} ${p.synopsis ?? ""} ${p.tags.join(" ")}`.toLowerCase();
      return words.some((w) => hay.includes(w));
    });
  } else {
    pool = [...pool].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  }
  const hits: SearchHit[] = pool.slice(0, filters.limit).map((p, i) => ({
    ...p,
    fused_score: 1 / (60 + i),
    ranks: { tag: null, fts: i + 1, vector: semantic ? i + 1 : null },
  }));
  return {
    query,
    hits,
    semantic: semantic && words.length > 0,
    tag_count: 0,
    fts_count: hits.length,
    vector_count: semantic ? hits.length : 0,
    took_ms: performance.now() - t0 + (semantic ? 18 : 1),
  };
}

function lineDiff(a: string, b: string): DiffLine[] {
  const A = a.split("\n");
  const B = b.split("\n");
  const out: DiffLine[] = [];
  const n = Math.max(A.length, B.length);
  for (let i = 0; i < n; i++) {
    if (A[i] === B[i]) out.push({ kind: "same", old_line: i + 1, new_line: i + 1, text: A[i] });
    else {
      if (A[i] !== undefined) out.push({ kind: "removed", old_line: i + 1, new_line: null, text: A[i] });
      if (B[i] !== undefined) out.push({ kind: "added", old_line: null, new_line: i + 1, text: B[i] });
    }
  }
  return out;
}

async function aiCall<T>(ms: number, f: () => T): Promise<T> {
  if (!keyStatus.set) reject("no_key", "No API key is set");
  return new Promise<T>((resolve, rej) => {
    const t = setTimeout(() => {
      cancelAi = null;
      resolve(f());
    }, ms);
    cancelAi = () => {
      clearTimeout(t);
      rej({ kind: "cancelled", message: "cancelled" });
    };
  });
}

type Args = Record<string, unknown>;

async function handle(cmd: string, a: Args): Promise<unknown> {
  switch (cmd) {
    case "search_lexical":
      return search(a.query as string, a.filters as SearchFilters, false);
    case "search_hybrid":
      await sleep(120);
      return search(a.query as string, a.filters as SearchFilters, true);
    case "suggest": {
      const p = (a.prefix as string).toLowerCase();
      const out: Suggestion[] = [];
      history.filter((h) => h.startsWith(p)).forEach((text) => out.push({ text, kind: "history" }));
      [...new Set(prompts.flatMap((x) => x.tags))].filter((t) => t.startsWith(p)).forEach((text) => out.push({ text, kind: "tag" }));
      prompts
        .map((x) => x.synopsis)
        .filter((s): s is string => !!s && s.toLowerCase().includes(p))
        .forEach((text) => out.push({ text, kind: "synopsis" }));
      return out.slice(0, 6);
    }
    case "record_search":
      if (a.query && !history.includes(a.query as string)) history.unshift(a.query as string);
      return null;
    case "get_prompt":
      return find(a.id as string);
    case "create_prompt": {
      const p = mk({ ...(a.fields as PromptFields) });
      prompts.unshift(p);
      return p;
    }
    case "update_prompt": {
      const p = find(a.id as string);
      if (p.source === "synced" || p.uploaded_at) reject("immutable", "This prompt can no longer be changed");
      Object.assign(p, a.fields as PromptFields, { updated_at: now() });
      return p;
    }
    case "delete_prompt": {
      const p = find(a.id as string);
      prompts.splice(prompts.indexOf(p), 1);
      return p;
    }
    case "duplicate_prompt": {
      const src = find(a.id as string);
      const p = mk({ content: src.content, synopsis: src.synopsis, tags: [...src.tags], score: src.score });
      prompts.unshift(p);
      return p;
    }
    case "copy_prompt":
      if (a.query && !history.includes(a.query as string)) history.unshift(a.query as string);
      console.info("[mock] copy_prompt", a.id);
      return null;
    case "copy_text":
    case "hide_window":
      console.info("[mock]", cmd);
      return null;
    case "ai_strategies":
      return strategies;
    case "ai_polish":
      return aiCall(900, () => {
        const original = a.content as string;
        const polished = original
          .split("\n")
          .map((l, i) => (i === 0 ? `${l.trim()} Think step by step.` : l))
          .concat(["Answer in a structured format."])
          .join("\n");
        return { strategy: a.strategy as string, model: "gpt-4o-mini", original, polished, diff: lineDiff(original, polished), attempts: 1 };
      });
    case "ai_metadata":
      return aiCall(700, () => ({
        synopsis: (a.content as string).split("\n")[0].slice(0, 60),
        tags: ["generated", "draft"],
        score: 72,
        adjustments: ["Score clamped to 0-100"],
        attempts: 1,
      }));
    case "ai_generate":
      return aiCall(1200, () => ({
        query: a.query as string,
        content: `You are an expert assistant. ${a.query as string}\n\nAsk clarifying questions first if anything is ambiguous.`,
        model: "gpt-4o-mini",
        attempts: 1,
      }));
    case "ai_cancel":
      cancelAi?.();
      cancelAi = null;
      return null;
    case "get_settings":
      return settings;
    case "set_setting": {
      const e = settings.find((s) => s.key === a.key) ?? reject("validation", `Unknown setting ${String(a.key)}`);
      if (typeof e.default_value === "number" && (typeof a.value !== "number" || a.value < 1)) {
        reject("validation", `${e.key} must be a positive whole number`);
      }
      if (typeof a.value === "string" && a.value.includes("://") === false && e.key.endsWith("endpoint")) {
        reject("validation", "The endpoint must be a URL (https://…)");
      }
      e.value = a.value as JsonValue;
      e.is_default = JSON.stringify(e.value) === JSON.stringify(e.default_value);
      return e;
    }
    case "set_hotkey": {
      const acc = a.accelerator as string;
      if (acc === "CmdOrCtrl+C") reject("hotkey", "CmdOrCtrl+C is already in use by another application");
      const e = settings.find((s) => s.key === "hotkey_config")!;
      e.value = acc;
      e.is_default = acc === e.default_value;
      return e;
    }
    case "suspend_hotkey":
      return null;
    case "key_status":
      return keyStatus;
    case "set_api_key":
      keyStatus = { set: true, source: "keychain", placeholder: false, keychain_error: null };
      return keyStatus;
    case "clear_api_key":
      keyStatus = { set: false, source: null, placeholder: false, keychain_error: null };
      return keyStatus;
    case "embed_status":
      return embed;
    default:
      return reject("internal", `mock backend: unknown command ${cmd}`);
  }
}

export function installMockBackend() {
  mockIPC((cmd, payload) => handle(cmd, (payload ?? {}) as Args), { shouldMockEvents: true });
  console.info("[PromptVault] running with the in-memory DEV mock backend");
}

/** DEV ONLY: `?demo=<name>` puts the UI into a given state (for screenshots / manual checks). */
export async function runDemo(name: string) {
  const [{ useUiStore }, { useEditorStore }, { useSearchStore }] = await Promise.all([
    import("@/stores/uiStore"),
    import("@/stores/editorStore"),
    import("@/stores/searchStore"),
  ]);
  keyStatus = { set: true, source: "keychain", placeholder: false, keychain_error: null };
  await sleep(300);
  switch (name) {
    case "settings":
      useUiStore.getState().setTab("settings");
      break;
    case "empty":
      useSearchStore.getState().setQuery("haiku about autumn");
      break;
    case "suggest":
      useSearchStore.getState().setQuery("co");
      break;
    case "expand":
      useSearchStore.getState().toggleExpand();
      break;
    case "readonly":
      await useEditorStore.getState().openPrompt(prompts[2].id);
      useUiStore.getState().setTab("edit");
      break;
    case "edit":
    case "diff":
      await useEditorStore.getState().openPrompt(prompts[0].id);
      useUiStore.getState().setTab("edit");
      if (name === "diff") await useEditorStore.getState().startPolish("clarity");
      break;
  }
}
