import { useRef, useState } from "react";
import { PlusIcon, SearchXIcon, SparklesIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import { reportAiError } from "@/lib/aiErrors";
import * as ipc from "@/lib/ipc";
import { useEditorStore } from "@/stores/editorStore";
import { useUiStore } from "@/stores/uiStore";

/** No hits for a non-empty query: offer to generate a prompt with AI. */
export function NoMatches({ query }: { query: string }) {
  const [text, setText] = useState(query);
  const [running, setRunning] = useState(false);
  const token = useRef(0);

  const generate = async () => {
    const q = text.trim();
    if (!q || running) return;
    const mine = ++token.current;
    setRunning(true);
    ipc.recordSearch(query).catch(() => {});
    try {
      const draft = await ipc.aiGenerate(q);
      if (token.current !== mine) return; // cancelled meanwhile
      useEditorStore.getState().openDraft(draft.content);
      useUiStore.getState().setTab("edit");
      toast.success("Draft generated: review it, then save");
    } catch (err) {
      if (token.current === mine) reportAiError(err);
    } finally {
      if (token.current === mine) setRunning(false);
    }
  };

  const cancel = () => {
    token.current++;
    setRunning(false);
    ipc.aiCancel().catch(() => {});
  };

  return (
    <div data-testid="empty-state" className="mx-auto flex max-w-lg flex-col items-center gap-3 py-8 text-center">
      <SearchXIcon className="size-8 text-muted-foreground/70" aria-hidden />
      <div>
        <p className="font-medium">No prompts match “{query}”</p>
        <p className="mt-1 text-[13px] text-muted-foreground">
          Describe what you need and let AI draft a prompt for you.
        </p>
      </div>
      <Textarea
        data-testid="generate-query"
        aria-label="Describe the prompt to generate"
        value={text}
        disabled={running}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void generate();
          }
        }}
        rows={3}
        className="resize-none bg-card text-left"
      />
      <div className="flex items-center gap-2">
        <Button data-testid="generate-button" onClick={() => void generate()} disabled={running || !text.trim()}>
          {running ? <Spinner /> : <SparklesIcon />}
          {running ? "Generating…" : "Generate prompt"}
        </Button>
        {running && (
          <Button variant="outline" data-testid="generate-cancel" onClick={cancel}>
            Cancel
          </Button>
        )}
      </div>
    </div>
  );
}

/** The vault itself is empty. */
export function EmptyVault() {
  return (
    <div data-testid="empty-vault" className="flex flex-col items-center gap-3 py-12 text-center">
      <p className="font-medium">Your vault is empty</p>
      <p className="text-[13px] text-muted-foreground">Save your first prompt to find it here in a keystroke.</p>
      <Button
        variant="secondary"
        onClick={() => {
          useEditorStore.getState().newPrompt();
          useUiStore.getState().setTab("edit");
        }}
      >
        <PlusIcon /> New prompt
      </Button>
    </div>
  );
}
