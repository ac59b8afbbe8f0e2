import { useRef } from "react";
import { AlertCircleIcon, SparklesIcon, TextSearchIcon } from "lucide-react";
import type { PromptSource } from "@/bindings";
import { Button } from "@/components/ui/button";
import { Kbd } from "@/components/ui/kbd";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import { useEditorStore } from "@/stores/editorStore";
import { selectedHit, useSearchStore } from "@/stores/searchStore";
import { useSettingsStore } from "@/stores/settingsStore";
import { useUiStore } from "@/stores/uiStore";
import { EmptyVault, NoMatches } from "./EmptyState";
import { ResultsList } from "./ResultsList";
import { SearchBar } from "./SearchBar";

const SOURCES: { value: PromptSource | null; label: string }[] = [
  { value: null, label: "All" },
  { value: "local", label: "Local" },
  { value: "synced", label: "Synced" },
];

export function SearchTab() {
  const listRef = useRef<HTMLUListElement>(null);
  const results = useSearchStore((s) => s.results);
  const status = useSearchStore((s) => s.status);
  const error = useSearchStore((s) => s.error);
  const query = useSearchStore((s) => s.query);
  const shownQuery = results?.query ?? "";

  const openInEditor = (id?: string) => {
    const target = id ?? selectedHit(useSearchStore.getState())?.id;
    if (!target) return;
    void useEditorStore.getState().openPrompt(target);
    useUiStore.getState().setTab("edit");
  };
  const focusInput = () => useUiStore.getState().focusSearch();
  const focusBelow = () => {
    const target = listRef.current ?? document.querySelector<HTMLElement>('[data-testid="generate-query"]');
    target?.focus();
    return !!target;
  };

  const hits = results?.hits ?? [];
  let body: React.ReactNode;
  if (!results && status === "error") {
    body = (
      <div role="alert" className="flex flex-col items-center gap-3 py-12 text-center text-sm">
        <AlertCircleIcon className="size-6 text-destructive" />
        <p>Search failed: {error}</p>
        <Button size="sm" variant="outline" onClick={() => void useSearchStore.getState().search()}>
          Retry
        </Button>
      </div>
    );
  } else if (!results) {
    body = <ResultsSkeleton />;
  } else if (hits.length === 0) {
    body = shownQuery ? <NoMatches key={shownQuery} query={shownQuery} /> : <EmptyVault />;
  } else {
    body = <ResultsList ref={listRef} onOpen={openInEditor} onFocusInput={focusInput} />;
  }

  return (
    <div className="flex h-full flex-col">
      <div className="px-4 pt-3">
        <SearchBar onOpenSelected={() => openInEditor()} onFocusResults={focusBelow} />
        <div className="mt-2 flex h-6 items-center gap-3 px-1 text-xs text-muted-foreground">
          <SearchMode />
          {status === "error" && results && (
            <span className="text-destructive" role="alert">
              {error}
            </span>
          )}
          <div className="ml-auto flex items-center gap-0.5 rounded-md bg-muted p-0.5" role="radiogroup" aria-label="Source">
            {SOURCES.map((s) => (
              <SourceButton key={s.label} value={s.value} label={s.label} />
            ))}
          </div>
        </div>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-3 pt-1 pb-3">
        {!query && hits.length > 0 && (
          <div className="px-2 pb-1 text-[11px] font-semibold tracking-wide text-muted-foreground uppercase">Recent</div>
        )}
        {body}
      </div>
      <FooterHints />
    </div>
  );
}

function SourceButton({ value, label }: { value: PromptSource | null; label: string }) {
  const active = useSearchStore((s) => s.source === value);
  return (
    <button
      type="button"
      role="radio"
      aria-checked={active}
      data-testid={`filter-source-${value ?? "all"}`}
      onClick={() => useSearchStore.getState().setSource(value)}
      className={cn(
        "rounded px-2 py-0.5 text-xs transition-colors",
        active ? "bg-background text-foreground shadow-xs" : "hover:text-foreground",
      )}
    >
      {label}
    </button>
  );
}

function SearchMode() {
  const results = useSearchStore((s) => s.results);
  const pending = useSearchStore((s) => s.hybridPending);
  const embedPhase = useSettingsStore((s) => s.embed?.phase);
  if (!results) return <span data-testid="search-mode" />;
  const n = results.hits.length;
  const counts = `tags ${results.tag_count} · keyword ${results.fts_count} · vector ${results.vector_count}`;
  return (
    <span data-testid="search-mode" className="inline-flex items-center gap-1.5" title={counts}>
      {results.semantic ? (
        <>
          <SparklesIcon className="size-3.5 text-primary" aria-hidden />
          <span className="text-foreground/80">semantic</span>
        </>
      ) : (
        <>
          <TextSearchIcon className="size-3.5" aria-hidden />
          <span>keyword results</span>
        </>
      )}
      <span aria-hidden>·</span>
      <span className="tabular-nums">
        {n} {n === 1 ? "prompt" : "prompts"} in {Math.round(results.took_ms)} ms
      </span>
      {pending && (
        // fades in only if the fused search takes a moment, so fast typing does not flicker
        <span className="inline-flex animate-in items-center gap-1 fill-mode-both delay-300 duration-200 fade-in">
          <Spinner className="size-3" /> refining
        </span>
      )}
      {!pending && !results.semantic && results.query && (embedPhase === "loading" || embedPhase === "embedding") && (
        <span>(semantic model warming up)</span>
      )}
    </span>
  );
}

function ResultsSkeleton() {
  return (
    <div className="flex flex-col gap-2 px-1 pt-1" aria-busy="true" aria-label="Loading results">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="h-14 animate-pulse rounded-lg bg-muted/70" style={{ opacity: 1 - i * 0.2 }} />
      ))}
    </div>
  );
}

function FooterHints() {
  return (
    <div className="flex h-8 shrink-0 items-center gap-4 border-t bg-muted/40 px-4 text-[11px] text-muted-foreground">
      <span className="inline-flex items-center gap-1">
        <Kbd>↵</Kbd> copy
      </span>
      <span className="inline-flex items-center gap-1">
        <Kbd>↑</Kbd>
        <Kbd>↓</Kbd> select
      </span>
      <span className="inline-flex items-center gap-1">
        <Kbd>→</Kbd> expand
      </span>
      <span className="inline-flex items-center gap-1">
        <Kbd>Ctrl</Kbd>
        <Kbd>E</Kbd> edit
      </span>
      <span className="ml-auto inline-flex items-center gap-1">
        <Kbd>Esc</Kbd> hide
      </span>
    </div>
  );
}
