import { create } from "zustand";
import { toast } from "sonner";
import type { Polished, Prompt, PromptFields, StrategyInfo } from "@/bindings";
import * as ipc from "@/lib/ipc";
import { reportAiError, reportError } from "@/lib/aiErrors";
import { cleanFields, emptyFields, fieldsOf, isDirty } from "@/lib/fields";
import { readOnlyReason } from "@/lib/readonly";
import { useSearchStore } from "@/stores/searchStore";

export type PolishState =
  | { status: "idle" }
  | { status: "running"; strategy: string }
  | { status: "ready"; result: Polished };

type EditorState = {
  /** the saved prompt being viewed/edited; null for a new, unsaved one */
  prompt: Prompt | null;
  /** baseline the dirty flag compares against */
  base: PromptFields;
  fields: PromptFields;
  dirty: boolean;
  readOnly: string | null;
  loading: boolean;
  saving: boolean;
  polish: PolishState;
  metaRunning: boolean;
  adjustments: string[];
  strategies: StrategyInfo[] | null;
  strategiesError: string | null;
  /** an action waiting for "discard unsaved changes?" confirmation */
  pendingDiscard: (() => void) | null;

  setField: <K extends keyof PromptFields>(key: K, value: PromptFields[K]) => void;
  load: (p: Prompt) => void;
  newPrompt: () => void;
  openDraft: (content: string) => void;
  openPrompt: (id: string) => Promise<void>;
  confirmDiscard: () => void;
  cancelDiscard: () => void;
  save: () => Promise<boolean>;
  remove: () => Promise<boolean>;
  duplicate: () => Promise<boolean>;
  copy: () => Promise<void>;
  loadStrategies: () => Promise<void>;
  startPolish: (strategy: string) => Promise<void>;
  acceptPolish: (text?: string) => void;
  rejectPolish: () => void;
  generateMetadata: () => Promise<void>;
  cancelAi: () => void;
  dismissAdjustments: () => void;
};

const fresh = () => {
  const f = emptyFields();
  return {
    prompt: null as Prompt | null,
    base: f,
    fields: { ...f, tags: [] as string[] },
    dirty: false,
    readOnly: null as string | null,
    polish: { status: "idle" } as PolishState,
    metaRunning: false,
    adjustments: [] as string[],
  };
};

const refreshSearch = () => void useSearchStore.getState().search();

export const useEditorStore = create<EditorState>((set, get) => {
  /** Run `action` now, or after the user agrees to discard unsaved edits. */
  const guarded = (action: () => void) => {
    if (get().dirty) set({ pendingDiscard: action });
    else action();
  };

  return {
    ...fresh(),
    loading: false,
    saving: false,
    strategies: null,
    strategiesError: null,
    pendingDiscard: null,

    setField: (key, value) => {
      if (get().readOnly) return;
      const fields = { ...get().fields, [key]: value };
      set({ fields, dirty: isDirty(get().base, fields) });
    },

    load: (p) => {
      const base = fieldsOf(p);
      set({
        ...fresh(),
        prompt: p,
        base,
        fields: fieldsOf(p),
        readOnly: readOnlyReason(p),
        loading: false,
      });
    },

    newPrompt: () => guarded(() => set({ ...fresh() })),

    openDraft: (content) =>
      guarded(() => {
        const f = fresh();
        const fields = { ...f.fields, content };
        set({ ...f, fields, dirty: isDirty(f.base, fields) });
      }),

    openPrompt: async (id) => {
      if (get().prompt?.id === id && !get().dirty) return;
      return new Promise<void>((resolve) => {
        guarded(() => {
          set({ loading: true });
          ipc
            .getPrompt(id)
            .then((p) => get().load(p))
            .catch((err) => {
              set({ loading: false });
              reportError(err, "Could not open the prompt");
            })
            .finally(resolve);
        });
        if (get().pendingDiscard) resolve();
      });
    },

    confirmDiscard: () => {
      const action = get().pendingDiscard;
      set({ pendingDiscard: null, dirty: false });
      action?.();
    },
    cancelDiscard: () => set({ pendingDiscard: null }),

    save: async () => {
      const { readOnly, saving, prompt, fields, polish, metaRunning } = get();
      // Not while a polish is running or its diff is waiting for Accept/Reject.
      if (readOnly || saving || polish.status !== "idle" || metaRunning) return false;
      if (!fields.content.trim()) {
        toast.error("The prompt content cannot be empty");
        return false;
      }
      set({ saving: true });
      try {
        const clean = cleanFields(fields);
        const saved = prompt ? await ipc.updatePrompt(prompt.id, clean) : await ipc.createPrompt(clean);
        get().load(saved);
        toast.success("Saved");
        refreshSearch();
        return true;
      } catch (err) {
        reportError(err, "Save failed");
        return false;
      } finally {
        set({ saving: false });
      }
    },

    remove: async () => {
      const { prompt } = get();
      if (!prompt) return false;
      try {
        await ipc.deletePrompt(prompt.id);
        set({ ...fresh() });
        toast.success("Deleted");
        refreshSearch();
        return true;
      } catch (err) {
        reportError(err, "Delete failed");
        return false;
      }
    },

    duplicate: async () => {
      const { prompt } = get();
      if (!prompt) return false;
      try {
        const copy = await ipc.duplicatePrompt(prompt.id);
        get().load(copy);
        toast.success("Duplicated: this private copy is yours to edit");
        refreshSearch();
        return true;
      } catch (err) {
        reportError(err, "Duplicate failed");
        return false;
      }
    },

    copy: async () => {
      const text = get().fields.content;
      if (!text) return;
      try {
        await ipc.copyText(text);
        toast.success("Copied");
      } catch (err) {
        reportError(err, "Copy failed");
      }
    },

    loadStrategies: async () => {
      if (get().strategies) return;
      try {
        set({ strategies: await ipc.aiStrategies(), strategiesError: null });
      } catch (err) {
        set({ strategiesError: ipc.toVaultError(err).message });
      }
    },

    startPolish: async (strategy) => {
      const { readOnly, fields, polish } = get();
      if (readOnly || polish.status === "running") return;
      if (!fields.content.trim()) {
        toast.error("Write something to polish first");
        return;
      }
      set({ polish: { status: "running", strategy } });
      try {
        const result = await ipc.aiPolish(fields.content, strategy);
        const cur = get().polish;
        if (cur.status === "running" && cur.strategy === strategy) {
          set({ polish: { status: "ready", result } });
        }
      } catch (err) {
        const cur = get().polish;
        if (cur.status === "running") set({ polish: { status: "idle" } });
        reportAiError(err);
      }
    },

    acceptPolish: (text) => {
      const p = get().polish;
      if (p.status !== "ready") return;
      set({ polish: { status: "idle" } });
      get().setField("content", text ?? p.result.polished);
    },

    rejectPolish: () => set({ polish: { status: "idle" } }),

    generateMetadata: async () => {
      const { readOnly, fields, metaRunning } = get();
      if (readOnly || metaRunning) return;
      if (!fields.content.trim()) {
        toast.error("Write the prompt first, then generate its metadata");
        return;
      }
      set({ metaRunning: true, adjustments: [] });
      try {
        const meta = await ipc.aiMetadata(fields.content);
        if (!get().metaRunning) return; // cancelled meanwhile
        const next = { ...get().fields, synopsis: meta.synopsis, tags: meta.tags, score: meta.score };
        set({ fields: next, dirty: isDirty(get().base, next), adjustments: meta.adjustments });
        toast.success("Metadata generated");
      } catch (err) {
        reportAiError(err);
      } finally {
        set({ metaRunning: false });
      }
    },

    cancelAi: () => {
      set({ polish: { status: "idle" }, metaRunning: false });
      ipc.aiCancel().catch(() => {});
    },

    dismissAdjustments: () => set({ adjustments: [] }),
  };
});
