import { useEffect, useMemo } from "react";
import {
  ChevronDownIcon,
  CloudIcon,
  CopyIcon,
  CopyPlusIcon,
  LockIcon,
  PlusIcon,
  SaveIcon,
  TagsIcon,
  Trash2Icon,
  WandSparklesIcon,
  XIcon,
} from "lucide-react";
import type { StrategyGroup, StrategyInfo } from "@/bindings";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import { parseScore } from "@/lib/fields";
import { cn } from "@/lib/utils";
import { VisibilityBadge } from "@/components/search/ResultsList";
import { useEditorStore } from "@/stores/editorStore";
import { DiffView } from "./DiffView";
import { TagInput } from "./TagInput";

const GROUP_LABEL: Record<StrategyGroup, string> = { general: "General", style: "Style", target: "Target model" };
const GROUP_ORDER: StrategyGroup[] = ["general", "style", "target"];

export function EditTab() {
  const prompt = useEditorStore((s) => s.prompt);
  const fields = useEditorStore((s) => s.fields);
  const dirty = useEditorStore((s) => s.dirty);
  const readOnly = useEditorStore((s) => s.readOnly);
  const loading = useEditorStore((s) => s.loading);
  const saving = useEditorStore((s) => s.saving);
  const polish = useEditorStore((s) => s.polish);
  const metaRunning = useEditorStore((s) => s.metaRunning);
  const adjustments = useEditorStore((s) => s.adjustments);
  const strategies = useEditorStore((s) => s.strategies);
  const st = useEditorStore.getState;

  const ro = readOnly != null;
  const aiBusy = polish.status === "running" || metaRunning;
  const locked = ro || aiBusy || polish.status === "ready";
  // Read-only prompts stay fully legible (disabled, but not dimmed).
  const roLook = ro ? "disabled:opacity-100 disabled:cursor-default bg-muted/40" : "";

  useEffect(() => {
    void useEditorStore.getState().loadStrategies();
  }, []);

  // Ctrl+S saves from anywhere in the tab.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "s" || e.key === "S")) {
        e.preventDefault();
        void useEditorStore.getState().save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const strategyLabel = (id: string) => strategies?.find((s) => s.id === id)?.label ?? id;
  const title = prompt ? (ro ? "View prompt" : "Edit prompt") : "New prompt";

  if (loading) {
    return (
      <div className="flex h-full items-center justify-center gap-2 text-sm text-muted-foreground">
        <Spinner /> Loading prompt…
      </div>
    );
  }

  return (
    <div className="flex h-full flex-col gap-3 overflow-hidden px-4 pt-3 pb-3">
      {/* header */}
      <div className="flex items-center gap-2">
        <h2 className="text-[15px] font-semibold">{title}</h2>
        {prompt && <VisibilityBadge p={prompt} />}
        {dirty && (
          <span data-testid="editor-dirty" className="inline-flex items-center gap-1 text-xs text-amber-600 dark:text-amber-400">
            <span className="size-1.5 rounded-full bg-current" aria-hidden /> Unsaved changes
          </span>
        )}
        <div className="ml-auto flex items-center gap-1.5">
          <Button size="sm" variant="ghost" data-testid="editor-new" onClick={() => st().newPrompt()}>
            <PlusIcon /> New
          </Button>
          <Button
            size="sm"
            variant="ghost"
            data-testid="editor-copy"
            disabled={!fields.content}
            onClick={() => void st().copy()}
          >
            <CopyIcon /> Copy
          </Button>
          {prompt && prompt.source === "local" && !ro && <DeleteButton />}
        </div>
      </div>

      {ro && (
        <div
          data-testid="readonly-notice"
          role="note"
          className="flex items-center gap-3 rounded-lg border border-sky-500/30 bg-sky-500/10 px-3 py-2 text-[13px]"
        >
          {prompt?.source === "synced" ? <CloudIcon className="size-4 shrink-0" /> : <LockIcon className="size-4 shrink-0" />}
          <span className="flex-1">{readOnly}</span>
          <Button size="sm" variant="secondary" data-testid="editor-duplicate" onClick={() => void st().duplicate()}>
            <CopyPlusIcon /> Duplicate to edit
          </Button>
        </div>
      )}

      {polish.status === "ready" ? (
        <DiffView
          key={polish.result.polished}
          result={polish.result}
          strategyLabel={strategyLabel(polish.result.strategy)}
          onAccept={(text) => st().acceptPolish(text)}
          onReject={() => st().rejectPolish()}
        />
      ) : (
        <div className="relative flex min-h-0 flex-1 flex-col">
          <Textarea
            data-testid="editor-content"
            aria-label="Prompt content"
            placeholder="Write your prompt…"
            autoFocus={!ro}
            value={fields.content}
            disabled={locked}
            onChange={(e) => st().setField("content", e.target.value)}
            className={cn("min-h-0 flex-1 resize-none bg-card text-[13.5px] leading-relaxed", roLook)}
            data-selectable
          />
          {aiBusy && (
            <div className="absolute inset-0 flex items-center justify-center rounded-md bg-background/60 backdrop-blur-[1px]">
              <div className="flex items-center gap-3 rounded-lg border bg-popover px-4 py-3 text-sm shadow-lg">
                <Spinner />
                {polish.status === "running" ? `Polishing (${strategyLabel(polish.strategy)})…` : "Generating metadata…"}
                <Button size="sm" variant="outline" data-testid="ai-cancel" onClick={() => st().cancelAi()}>
                  Cancel
                </Button>
              </div>
            </div>
          )}
        </div>
      )}

      {adjustments.length > 0 && (
        <div data-testid="metadata-adjustments" className="flex items-start gap-2 rounded-md border bg-muted/50 px-3 py-2 text-xs text-muted-foreground">
          <ul className="flex-1 list-disc pl-4">
            {adjustments.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
          <button type="button" aria-label="Dismiss" onClick={() => st().dismissAdjustments()}>
            <XIcon className="size-3.5" />
          </button>
        </div>
      )}

      {/* metadata */}
      <div className="grid grid-cols-[1fr_88px] gap-x-3 gap-y-2.5">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="editor-synopsis">Synopsis</Label>
          <Input
            id="editor-synopsis"
            data-testid="editor-synopsis"
            placeholder="One line that says what this prompt does"
            value={fields.synopsis ?? ""}
            disabled={locked}
            className={roLook}
            onChange={(e) => st().setField("synopsis", e.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="editor-score">Score</Label>
          <Input
            id="editor-score"
            data-testid="editor-score"
            type="number"
            min={0}
            max={100}
            step={1}
            placeholder="0–100"
            value={fields.score ?? ""}
            disabled={locked}
            className={roLook}
            onChange={(e) => st().setField("score", parseScore(e.target.value))}
          />
        </div>
        <div className="col-span-2 flex flex-col gap-1.5">
          <Label htmlFor="editor-tags">
            <TagsIcon className="size-3.5" /> Tags
          </Label>
          <TagInput
            id="editor-tags"
            tags={fields.tags}
            disabled={locked}
            dim={!ro}
            onChange={(tags) => st().setField("tags", tags)}
          />
        </div>
      </div>

      {/* actions */}
      <div className="flex items-center gap-2 border-t pt-3">
        <PolishMenu disabled={locked || !fields.content.trim()} />
        <Button
          variant="outline"
          size="sm"
          data-testid="metadata-button"
          disabled={locked || !fields.content.trim()}
          onClick={() => void st().generateMetadata()}
        >
          {metaRunning ? <Spinner /> : <TagsIcon />} Generate metadata
        </Button>
        <div className="ml-auto flex items-center gap-3">
          <Label className="font-normal">
            <Checkbox
              data-testid="editor-private"
              checked={fields.is_private}
              disabled={locked}
              onCheckedChange={(v) => st().setField("is_private", v)}
            />
            Keep private
          </Label>
          <Button
            size="sm"
            data-testid="editor-save"
            disabled={locked || saving || !dirty || !fields.content.trim()}
            onClick={() => void st().save()}
            title="Save (Ctrl+S)"
          >
            {saving ? <Spinner /> : <SaveIcon />} Save
          </Button>
        </div>
      </div>
    </div>
  );
}

function PolishMenu({ disabled }: { disabled: boolean }) {
  const strategies = useEditorStore((s) => s.strategies);
  const error = useEditorStore((s) => s.strategiesError);
  const running = useEditorStore((s) => s.polish.status === "running");
  const groups = useMemo(() => {
    const by = new Map<StrategyGroup, StrategyInfo[]>();
    for (const s of strategies ?? []) by.set(s.group, [...(by.get(s.group) ?? []), s]);
    return GROUP_ORDER.filter((g) => by.has(g)).map((g) => ({ group: g, items: by.get(g)! }));
  }, [strategies]);

  return (
    <DropdownMenu onOpenChange={(o) => o && void useEditorStore.getState().loadStrategies()}>
      <DropdownMenuTrigger asChild disabled={disabled}>
        <Button variant="outline" size="sm" data-testid="polish-button">
          {running ? <Spinner /> : <WandSparklesIcon />} Polish <ChevronDownIcon className="opacity-60" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        {!strategies && !error && (
          <div className="flex items-center gap-2 px-2 py-1.5 text-sm text-muted-foreground">
            <Spinner /> Loading…
          </div>
        )}
        {error && <div className="px-2 py-1.5 text-sm text-destructive">{error}</div>}
        {strategies && strategies.length === 0 && (
          <div className="px-2 py-1.5 text-sm text-muted-foreground">No strategies available</div>
        )}
        {groups.map(({ group, items }, gi) => (
          <DropdownMenuGroup key={group}>
            {gi > 0 && <DropdownMenuSeparator />}
            <DropdownMenuLabel>{GROUP_LABEL[group] ?? group}</DropdownMenuLabel>
            {items.map((s) => (
              <DropdownMenuItem
                key={s.id}
                data-testid={`polish-strategy-${s.id}`}
                onSelect={() => void useEditorStore.getState().startPolish(s.id)}
              >
                {s.label}
              </DropdownMenuItem>
            ))}
          </DropdownMenuGroup>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function DeleteButton() {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button size="sm" variant="ghost" data-testid="editor-delete" className="text-destructive hover:text-destructive">
          <Trash2Icon /> Delete
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete this prompt?</AlertDialogTitle>
          <AlertDialogDescription>It is removed from your vault. This cannot be undone.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction
            variant="destructive"
            data-testid="editor-delete-confirm"
            onClick={() => void useEditorStore.getState().remove()}
          >
            Delete
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/** Asks before an action would throw away unsaved edits. */
export function DiscardDialog() {
  const pending = useEditorStore((s) => s.pendingDiscard);
  return (
    <AlertDialog open={pending != null} onOpenChange={(o) => !o && useEditorStore.getState().cancelDiscard()}>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Discard unsaved changes?</AlertDialogTitle>
          <AlertDialogDescription>The prompt in the editor has changes that are not saved.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep editing</AlertDialogCancel>
          <AlertDialogAction variant="destructive" data-testid="discard-confirm" onClick={() => useEditorStore.getState().confirmDiscard()}>
            Discard
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
