import { create } from "zustand";
import { toast } from "sonner";
import type { PromptSource, SearchFilters, SearchHit, SearchResults, Suggestion } from "@/bindings";
import * as ipc from "@/lib/ipc";
import { createSequencer, shouldApply, type ResponseKind, type Shown } from "@/lib/sequencer";

export const SEARCH_LIMIT = 50;
/** Debounce for search-as-you-type; lexical search is cheap, so this stays tiny. */
export const SEARCH_DEBOUNCE_MS = 25;

export type SearchStatus = "idle" | "loading" | "ready" | "error";

type SearchState = {
  query: string;
  source: PromptSource | null;
  results: SearchResults | null;
  shown: Shown;
  status: SearchStatus;
  hybridPending: boolean;
  error: string | null;
  selected: number;
  expandedId: string | null;
  suggestions: Suggestion[];
  suggestionsOpen: boolean;
  /** -1: nothing highlighted in the dropdown */
  suggestionIndex: number;

  setQuery: (q: string) => void;
  setSource: (s: PromptSource | null) => void;
  /** Search for the current query now (or after the debounce). */
  search: (opts?: { debounce?: boolean }) => Promise<void>;
  moveSelection: (delta: number) => void;
  select: (index: number) => void;
  toggleExpand: (id?: string) => void;
  moveSuggestion: (delta: number) => void;
  acceptSuggestion: (index?: number) => boolean;
  closeSuggestions: () => void;
  copySelected: () => Promise<boolean>;
  reset: () => void;
};

const seq = createSequencer();
const suggestSeq = createSequencer();
let timer: ReturnType<typeof setTimeout> | null = null;

export const filtersFor = (source: PromptSource | null): SearchFilters => ({
  source,
  is_private: null,
  tag: null,
  limit: SEARCH_LIMIT,
});

/** Wrap-around index arithmetic for list navigation. */
export function wrapIndex(current: number, delta: number, length: number): number {
  if (length <= 0) return 0;
  return (((current + delta) % length) + length) % length;
}

export const selectedHit = (s: Pick<SearchState, "results" | "selected">): SearchHit | null =>
  s.results?.hits[s.selected] ?? null;

const initial = {
  query: "",
  source: null as PromptSource | null,
  results: null as SearchResults | null,
  shown: null as Shown,
  status: "idle" as SearchStatus,
  hybridPending: false,
  error: null as string | null,
  selected: 0,
  expandedId: null as string | null,
  suggestions: [] as Suggestion[],
  suggestionsOpen: false,
  suggestionIndex: -1,
};

export const useSearchStore = create<SearchState>((set, get) => {
  const apply = (n: number, kind: ResponseKind, res: SearchResults) => {
    const st = get();
    if (!shouldApply(st.shown, { seq: n, kind })) return;
    // Same query refined (lexical → fused): keep the highlighted prompt if it is still there.
    let selected = 0;
    const prevId = selectedHit(st)?.id;
    if (st.shown?.seq === n && prevId) {
      const i = res.hits.findIndex((h) => h.id === prevId);
      if (i >= 0) selected = i;
    }
    const expandedId =
      st.expandedId && res.hits.some((h) => h.id === st.expandedId) ? st.expandedId : null;
    set({ results: res, shown: { seq: n, kind }, selected, expandedId, status: "ready", error: null });
  };

  const run = async (n: number, query: string, filters: SearchFilters) => {
    try {
      apply(n, "lexical", await ipc.searchLexical(query, filters));
    } catch (err) {
      if (seq.isLatest(n) && !get().results) {
        set({ status: "error", error: ipc.toVaultError(err).message });
      }
    }
    // Typed on since: the newer request will do the (slower) fused search.
    if (!seq.isLatest(n)) return;
    set({ hybridPending: true });
    try {
      apply(n, "hybrid", await ipc.searchHybrid(query, filters));
    } catch (err) {
      if (seq.isLatest(n) && get().shown?.seq !== n) {
        set({ status: "error", error: ipc.toVaultError(err).message });
      }
    } finally {
      if (seq.isLatest(n)) set({ hybridPending: false });
    }
  };

  const fetchSuggestions = async (q: string) => {
    const n = suggestSeq.next();
    if (!q.trim()) {
      set({ suggestions: [], suggestionsOpen: false, suggestionIndex: -1 });
      return;
    }
    try {
      const list = await ipc.suggest(q);
      if (!suggestSeq.isLatest(n) || get().query !== q) return;
      const lower = q.trim().toLowerCase();
      const suggestions = list.filter((s) => s.text.trim().toLowerCase() !== lower);
      set({ suggestions, suggestionsOpen: suggestions.length > 0, suggestionIndex: -1 });
    } catch {
      if (suggestSeq.isLatest(n)) set({ suggestions: [], suggestionsOpen: false, suggestionIndex: -1 });
    }
  };

  return {
    ...initial,

    setQuery: (q) => {
      set({ query: q, suggestionIndex: -1 });
      void get().search({ debounce: true });
      void fetchSuggestions(q);
    },

    setSource: (source) => {
      set({ source });
      void get().search();
    },

    search: ({ debounce = false } = {}) => {
      if (timer) clearTimeout(timer);
      timer = null;
      const n = seq.next();
      if (!get().results) set({ status: "loading" });
      const go = () => {
        timer = null;
        const { query, source } = get();
        return run(n, query.trim(), filtersFor(source));
      };
      if (!debounce) return go();
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => void go().then(resolve), SEARCH_DEBOUNCE_MS);
      });
    },

    moveSelection: (delta) => {
      const { results, selected } = get();
      const len = results?.hits.length ?? 0;
      if (!len) return;
      set({ selected: wrapIndex(selected, delta, len) });
    },

    select: (index) => set({ selected: index }),

    toggleExpand: (id) => {
      const st = get();
      const target = id ?? selectedHit(st)?.id;
      if (!target) return;
      set({ expandedId: st.expandedId === target ? null : target });
    },

    moveSuggestion: (delta) => {
      const { suggestions, suggestionIndex } = get();
      if (!suggestions.length) return;
      // From "nothing highlighted", ↓ goes to the first and ↑ to the last.
      const start = suggestionIndex < 0 ? (delta > 0 ? -1 : suggestions.length) : suggestionIndex;
      set({ suggestionIndex: wrapIndex(start, delta, suggestions.length) });
    },

    acceptSuggestion: (index) => {
      const { suggestions, suggestionIndex } = get();
      const i = index ?? (suggestionIndex >= 0 ? suggestionIndex : 0);
      const s = suggestions[i];
      if (!s) return false;
      suggestSeq.next(); // drop any suggestion response still in flight
      set({ query: s.text, suggestions: [], suggestionsOpen: false, suggestionIndex: -1 });
      void get().search();
      return true;
    },

    closeSuggestions: () => set({ suggestionsOpen: false, suggestionIndex: -1 }),

    copySelected: async () => {
      const st = get();
      const hit = selectedHit(st);
      if (!hit) return false;
      const q = st.query.trim();
      try {
        await ipc.copyPrompt(hit.id, q ? q : null);
        toast.success("Copied", { description: hitLabel(hit) });
        return true;
      } catch (err) {
        toast.error(`Copy failed: ${ipc.toVaultError(err).message}`);
        return false;
      }
    },

    reset: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      seq.next();
      suggestSeq.next();
      set({ ...initial });
    },
  };
});

function hitLabel(h: SearchHit): string {
  const s = h.synopsis?.trim() || h.content.split("\n")[0] || "";
  return s.length > 80 ? s.slice(0, 77) + "…" : s;
}
