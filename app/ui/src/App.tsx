import { useEffect } from "react";
import { SearchIcon, SettingsIcon, SquarePenIcon } from "lucide-react";
import { DiscardDialog, EditTab } from "@/components/edit/EditTab";
import { SearchTab } from "@/components/search/SearchTab";
import { SettingsTab } from "@/components/settings/SettingsTab";
import { Toaster } from "@/components/ui/sonner";
import * as ipc from "@/lib/ipc";
import { cn } from "@/lib/utils";
import { useEditorStore } from "@/stores/editorStore";
import { useSearchStore } from "@/stores/searchStore";
import { useSettingsStore } from "@/stores/settingsStore";
import { TABS, useUiStore, type Tab } from "@/stores/uiStore";

const TAB_META: Record<Tab, { label: string; Icon: typeof SearchIcon }> = {
  search: { label: "Search", Icon: SearchIcon },
  edit: { label: "Edit", Icon: SquarePenIcon },
  settings: { label: "Settings", Icon: SettingsIcon },
};

export function App() {
  const tab = useUiStore((s) => s.tab);
  const dirty = useEditorStore((s) => s.dirty);

  // First search (empty query → recent prompts), embed status, backend events.
  useEffect(() => {
    void useSearchStore.getState().search();
    void useSettingsStore.getState().loadEmbed();
    const subs = [
      ipc.onEmbedState((s) => useSettingsStore.getState().setEmbed(s)),
      ipc.onWindowShown(() => {
        useUiStore.getState().focusSearch();
        void useSearchStore.getState().search();
      }),
      ipc.onOpenSettings(() => useUiStore.getState().setTab("settings")),
    ];
    return () => {
      for (const p of subs) void p.then((unlisten) => unlisten());
    };
  }, []);

  // Ctrl/Cmd+1/2/3 switch tabs; Esc on Edit/Settings goes back to Search (unless
  // something else, e.g. a menu, dialog, diff view or field, already handled it).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented && !e.ctrlKey && !e.metaKey && !e.altKey) {
        if (useUiStore.getState().tab !== "search") {
          e.preventDefault();
          useUiStore.getState().focusSearch();
        }
        return;
      }
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const i = ["1", "2", "3"].indexOf(e.key);
      if (i < 0) return;
      e.preventDefault();
      const next = TABS[i];
      if (next === "search") useUiStore.getState().focusSearch();
      else useUiStore.getState().setTab(next);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="flex h-full flex-col">
      <header className="flex h-11 shrink-0 items-center gap-1 border-b bg-muted/30 px-3" data-tauri-drag-region>
        <div className="mr-3 flex items-center gap-1.5 text-[13px] font-semibold tracking-tight" data-tauri-drag-region>
          <span className="inline-block size-2.5 rounded-full bg-primary" aria-hidden />
          PromptVault
        </div>
        <nav role="tablist" aria-label="Views" className="flex items-center gap-0.5">
          {TABS.map((t, i) => {
            const { label, Icon } = TAB_META[t];
            const active = t === tab;
            return (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={active}
                aria-controls={`panel-${t}`}
                data-testid={`tab-${t}`}
                title={`${label} (Ctrl+${i + 1})`}
                onClick={() => (t === "search" ? useUiStore.getState().focusSearch() : useUiStore.getState().setTab(t))}
                className={cn(
                  "relative inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-[13px] transition-colors",
                  active ? "bg-background font-medium text-foreground shadow-xs" : "text-muted-foreground hover:text-foreground",
                )}
              >
                <Icon className="size-3.5" aria-hidden />
                {label}
                {t === "edit" && dirty && <span className="size-1.5 rounded-full bg-amber-500" aria-label="unsaved changes" />}
              </button>
            );
          })}
        </nav>
      </header>
      <main id={`panel-${tab}`} role="tabpanel" className="min-h-0 flex-1">
        {tab === "search" && <SearchTab />}
        {tab === "edit" && <EditTab />}
        {tab === "settings" && <SettingsTab />}
      </main>
      <DiscardDialog />
      <Toaster />
    </div>
  );
}
