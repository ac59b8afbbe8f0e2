import { act } from "@testing-library/react";
import type { Prompt, SearchHit, SearchResults } from "@/bindings";
import { useEditorStore } from "@/stores/editorStore";
import { useSearchStore } from "@/stores/searchStore";
import { useSettingsStore } from "@/stores/settingsStore";
import { useUiStore } from "@/stores/uiStore";

let n = 0;

export function makePrompt(over: Partial<Prompt> = {}): Prompt {
  n++;
  return {
    id: `p${n}`,
    content: `Prompt body ${n}\nsecond line ${n}`,
    synopsis: `Synopsis ${n}`,
    tags: ["alpha"],
    score: 50,
    owner_id: "me",
    is_private: true,
    uploaded_at: null,
    source: "local",
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    ...over,
  };
}

export function makeHit(over: Partial<SearchHit> = {}): SearchHit {
  return { ...makePrompt(over), fused_score: 0.5, ranks: { tag: null, fts: 1, vector: null }, ...over };
}

export function makeResults(query: string, hits: SearchHit[], semantic = false): SearchResults {
  return { query, hits, semantic, tag_count: 0, fts_count: hits.length, vector_count: semantic ? hits.length : 0, took_ms: 3 };
}

/** A promise plus its resolve/reject, to control when a mocked command answers. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const initialUi = useUiStore.getState();
const initialEditor = useEditorStore.getState();
const initialSettings = useSettingsStore.getState();

export function resetStores() {
  act(() => {
    useSearchStore.getState().reset();
    useUiStore.setState({ ...initialUi }, true);
    useEditorStore.setState({ ...initialEditor }, true);
    useSettingsStore.setState({ ...initialSettings }, true);
  });
}
