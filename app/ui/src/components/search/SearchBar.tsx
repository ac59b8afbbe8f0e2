import { useEffect, useRef } from "react";
import { HashIcon, HistoryIcon, SearchIcon, TextIcon } from "lucide-react";
import type { SuggestionKind } from "@/bindings";
import { Spinner } from "@/components/ui/spinner";
import * as ipc from "@/lib/ipc";
import { cn } from "@/lib/utils";
import { useSearchStore } from "@/stores/searchStore";
import { useUiStore } from "@/stores/uiStore";

const KIND_ICON: Record<SuggestionKind, typeof HistoryIcon> = {
  history: HistoryIcon,
  tag: HashIcon,
  synopsis: TextIcon,
};
const KIND_LABEL: Record<SuggestionKind, string> = {
  history: "Recent search",
  tag: "Tag",
  synopsis: "Prompt",
};

type Props = {
  /** open the selected result in the editor */
  onOpenSelected: () => void;
  /** move keyboard focus below the input (results list or empty state); false if nothing to focus */
  onFocusResults: () => boolean;
};

export function SearchBar({ onOpenSelected, onFocusResults }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const query = useSearchStore((s) => s.query);
  const suggestions = useSearchStore((s) => s.suggestions);
  const open = useSearchStore((s) => s.suggestionsOpen && s.suggestions.length > 0);
  const suggestionIndex = useSearchStore((s) => s.suggestionIndex);
  const busy = useSearchStore((s) => s.status === "loading");
  const focusNonce = useUiStore((s) => s.focusSearchNonce);

  useEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.focus();
    el.select();
  }, [focusNonce]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing) return;
    const st = useSearchStore.getState();
    const dropdown = st.suggestionsOpen && st.suggestions.length > 0;
    const mod = e.ctrlKey || e.metaKey;
    const el = e.currentTarget;
    const caretAtEnd = el.selectionStart === el.value.length && el.selectionEnd === el.value.length;

    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        const d = e.key === "ArrowDown" ? 1 : -1;
        if (dropdown) st.moveSuggestion(d);
        else st.moveSelection(d);
        return;
      }
      case "Tab":
        if (e.shiftKey) return;
        if (dropdown) {
          e.preventDefault();
          st.acceptSuggestion();
        } else if (onFocusResults()) e.preventDefault();
        return;
      case "ArrowRight":
        if (!caretAtEnd) return;
        if (dropdown) {
          e.preventDefault();
          st.acceptSuggestion();
        } else if (st.results?.hits.length) {
          e.preventDefault();
          st.toggleExpand();
        }
        return;
      case "Escape":
        e.preventDefault();
        if (dropdown) st.closeSuggestions();
        else ipc.hideWindow().catch(() => {});
        return;
      case "Enter":
        e.preventDefault();
        if (mod) {
          st.closeSuggestions();
          onOpenSelected();
        } else if (dropdown && st.suggestionIndex >= 0) {
          st.acceptSuggestion();
        } else {
          st.closeSuggestions();
          void st.copySelected();
        }
        return;
      default:
        if (mod && (e.key === "e" || e.key === "E")) {
          e.preventDefault();
          st.closeSuggestions();
          onOpenSelected();
        }
    }
  };

  return (
    <div className="relative">
      <div
        className={cn(
          "flex h-12 items-center gap-3 rounded-lg border bg-card px-3.5 shadow-xs transition-shadow",
          "focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/30",
        )}
      >
        {busy ? <Spinner className="size-5 text-muted-foreground" /> : <SearchIcon className="size-5 text-muted-foreground" />}
        <input
          ref={inputRef}
          data-testid="search-input"
          aria-label="Search prompts"
          role="combobox"
          aria-expanded={open}
          aria-controls="search-suggestions"
          aria-autocomplete="list"
          aria-activedescendant={open && suggestionIndex >= 0 ? `suggestion-${suggestionIndex}` : undefined}
          autoFocus
          spellCheck={false}
          autoComplete="off"
          placeholder="Search your prompts…"
          className="h-full flex-1 bg-transparent text-[17px] outline-none placeholder:text-muted-foreground/70"
          value={query}
          onChange={(e) => useSearchStore.getState().setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => useSearchStore.getState().closeSuggestions()}
        />
      </div>
      {open && (
        <ul
          id="search-suggestions"
          data-testid="suggestions"
          role="listbox"
          aria-label="Suggestions"
          className="absolute top-full right-0 left-0 z-30 mt-1 overflow-hidden rounded-lg border bg-popover p-1 text-popover-foreground shadow-lg"
        >
          {suggestions.map((s, i) => {
            const Icon = KIND_ICON[s.kind] ?? TextIcon;
            return (
              <li
                key={`${s.kind}:${s.text}`}
                id={`suggestion-${i}`}
                data-testid="suggestion-item"
                data-kind={s.kind}
                role="option"
                aria-selected={i === suggestionIndex}
                // mousedown (not click) so the input keeps focus
                onMouseDown={(e) => {
                  e.preventDefault();
                  useSearchStore.getState().acceptSuggestion(i);
                }}
                className={cn(
                  "flex cursor-default items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm",
                  i === suggestionIndex ? "bg-accent text-accent-foreground" : "hover:bg-muted",
                )}
              >
                <Icon className="size-3.5 shrink-0 text-muted-foreground" aria-label={KIND_LABEL[s.kind]} />
                <span className="truncate">{s.text}</span>
                <span className="ml-auto text-[11px] text-muted-foreground">{KIND_LABEL[s.kind]}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
