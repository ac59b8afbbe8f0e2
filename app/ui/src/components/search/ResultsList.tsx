import { forwardRef, useEffect, useRef } from "react";
import { ChevronRightIcon, CloudIcon, CopyIcon, GaugeIcon, GlobeIcon, LockIcon, SquarePenIcon } from "lucide-react";
import type { SearchHit } from "@/bindings";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { badgeKind, type BadgeKind } from "@/lib/readonly";
import { cn, promptTitle } from "@/lib/utils";
import { useSearchStore } from "@/stores/searchStore";

const BADGE: Record<BadgeKind, { label: string; Icon: typeof LockIcon; title: string }> = {
  private: { label: "Private", Icon: LockIcon, title: "Local and private: never uploaded" },
  public: { label: "Public", Icon: GlobeIcon, title: "Local, shared publicly" },
  synced: { label: "Synced", Icon: CloudIcon, title: "Synced from another user (read-only)" },
};

export function VisibilityBadge({ p }: { p: Pick<SearchHit, "source" | "is_private"> }) {
  const kind = badgeKind(p);
  const { label, Icon, title } = BADGE[kind];
  return (
    <Badge variant={kind} data-testid="result-badge" data-kind={kind} title={title}>
      <Icon aria-hidden />
      {label}
    </Badge>
  );
}

type Props = {
  onOpen: (id: string) => void;
  onFocusInput: () => void;
};

export const ResultsList = forwardRef<HTMLUListElement, Props>(function ResultsList({ onOpen, onFocusInput }, ref) {
  const hits = useSearchStore((s) => s.results?.hits ?? []);
  const selected = useSearchStore((s) => s.selected);
  const expandedId = useSearchStore((s) => s.expandedId);
  const itemRefs = useRef<Map<string, HTMLLIElement>>(new Map());

  const selectedId = hits[selected]?.id;
  useEffect(() => {
    if (!selectedId) return;
    itemRefs.current.get(selectedId)?.scrollIntoView?.({ block: "nearest" });
  }, [selectedId, expandedId]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLUListElement>) => {
    const st = useSearchStore.getState();
    const mod = e.ctrlKey || e.metaKey;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        st.moveSelection(e.key === "ArrowDown" ? 1 : -1);
        return;
      case " ":
      case "ArrowRight":
      case "ArrowLeft":
        e.preventDefault();
        if (e.key === "ArrowLeft" && !st.expandedId) return;
        st.toggleExpand();
        return;
      case "Enter": {
        e.preventDefault();
        const id = st.results?.hits[st.selected]?.id;
        if (mod) {
          if (id) onOpen(id);
        } else void st.copySelected();
        return;
      }
      case "Escape":
        e.preventDefault();
        onFocusInput();
        return;
      case "Tab":
        if (e.shiftKey) {
          e.preventDefault();
          onFocusInput();
        }
        return;
      default:
        if (mod && (e.key === "e" || e.key === "E")) {
          e.preventDefault();
          const id = st.results?.hits[st.selected]?.id;
          if (id) onOpen(id);
        } else if (!mod && !e.altKey && e.key.length === 1) {
          // type-to-search: hand the keystroke back to the search input
          onFocusInput();
        }
    }
  };

  return (
    <ul
      ref={ref}
      data-testid="results"
      role="listbox"
      aria-label="Prompts"
      tabIndex={0}
      onKeyDown={onKeyDown}
      className="flex flex-col gap-0.5 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring/40"
    >
      {hits.map((h, i) => (
        <ResultItem
          key={h.id}
          ref={(el) => {
            if (el) itemRefs.current.set(h.id, el);
            else itemRefs.current.delete(h.id);
          }}
          hit={h}
          selected={i === selected}
          expanded={h.id === expandedId}
          onClick={() => {
            const st = useSearchStore.getState();
            st.select(i);
            st.toggleExpand(h.id);
          }}
          onCopy={() => {
            useSearchStore.getState().select(i);
            void useSearchStore.getState().copySelected();
          }}
          onOpen={() => onOpen(h.id)}
        />
      ))}
    </ul>
  );
});

type ItemProps = {
  hit: SearchHit;
  selected: boolean;
  expanded: boolean;
  onClick: () => void;
  onCopy: () => void;
  onOpen: () => void;
};

const ResultItem = forwardRef<HTMLLIElement, ItemProps>(function ResultItem(
  { hit, selected, expanded, onClick, onCopy, onOpen },
  ref,
) {
  const title = promptTitle(hit);
  const firstLine = hit.content.split("\n").find((l) => l.trim()) ?? "";
  const subtitle = hit.synopsis?.trim() ? firstLine : hit.content.split("\n").filter((l) => l.trim()).slice(1).join(" ");
  return (
    <li
      ref={ref}
      data-testid="result-item"
      data-id={hit.id}
      role="option"
      aria-selected={selected}
      aria-expanded={expanded}
      onClick={onClick}
      onDoubleClick={onCopy}
      className={cn(
        "group relative cursor-default rounded-lg border border-transparent px-3 py-2 transition-colors",
        selected ? "border-border bg-accent/70 text-accent-foreground" : "hover:bg-muted/60",
      )}
    >
      <div className="flex items-start gap-3">
        <ChevronRightIcon
          aria-hidden
          className={cn(
            "mt-0.5 size-4 shrink-0 text-muted-foreground transition-transform",
            expanded && "rotate-90",
          )}
        />
        <div className="min-w-0 flex-1">
          <div className="truncate font-medium" data-testid="result-title">
            {title}
          </div>
          {!expanded && subtitle && <div className="mt-0.5 truncate text-[13px] text-muted-foreground">{subtitle}</div>}
          {hit.tags.length > 0 && (
            <div className="mt-1 flex flex-wrap gap-1">
              {hit.tags.map((t) => (
                <span key={t} className="rounded bg-secondary px-1.5 py-0.5 text-[11px] text-secondary-foreground">
                  #{t}
                </span>
              ))}
            </div>
          )}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {hit.score != null && (
            <span className="inline-flex items-center gap-1 text-xs text-muted-foreground tabular-nums" title="Quality score">
              <GaugeIcon className="size-3.5" aria-hidden />
              {hit.score}
            </span>
          )}
          <VisibilityBadge p={hit} />
        </div>
      </div>
      {expanded && (
        <div className="mt-2 ml-7">
          <pre
            data-testid="result-content"
            className="max-h-72 overflow-auto rounded-md border bg-background/70 p-3 font-mono text-[12.5px] leading-relaxed whitespace-pre-wrap text-foreground"
          >
            {hit.content}
          </pre>
          <div className="mt-2 flex gap-2">
            <Button size="xs" variant="secondary" onClick={(e) => (e.stopPropagation(), onCopy())}>
              <CopyIcon /> Copy
            </Button>
            <Button size="xs" variant="ghost" onClick={(e) => (e.stopPropagation(), onOpen())}>
              <SquarePenIcon /> Open in editor
            </Button>
          </div>
        </div>
      )}
    </li>
  );
});
