import { useMemo, useState } from "react";
import { CheckIcon, PencilIcon, XIcon } from "lucide-react";
import type { Polished } from "@/bindings";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { diffStats, pairDiff, type DiffCell } from "@/lib/diff";
import { cn } from "@/lib/utils";

type Props = {
  result: Polished;
  strategyLabel?: string;
  onAccept: (text: string) => void;
  onReject: () => void;
};

/** Side-by-side review of a polish: original on the left, polished on the right. */
export function DiffView({ result, strategyLabel, onAccept, onReject }: Props) {
  const rows = useMemo(() => pairDiff(result.diff), [result.diff]);
  const stats = useMemo(() => diffStats(result.diff), [result.diff]);
  const [editing, setEditing] = useState(false);
  const [edited, setEdited] = useState(result.polished);
  const unchanged = stats.added === 0 && stats.removed === 0;

  return (
    <div
      data-testid="diff-view"
      className="flex min-h-0 flex-1 flex-col overflow-hidden rounded-lg border bg-card"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onReject();
        }
      }}
    >
      <div className="flex items-center gap-2 border-b px-3 py-2">
        <div className="text-sm font-medium">Polish: {strategyLabel ?? result.strategy}</div>
        <span className="text-xs text-muted-foreground">
          {result.model}
          {" · "}
          <span className="text-diff-add-fg">+{stats.added}</span> <span className="text-diff-del-fg">−{stats.removed}</span>
        </span>
        <div className="ml-auto flex gap-2">
          <Button size="sm" variant="ghost" data-testid="diff-reject" onClick={onReject}>
            <XIcon /> Reject
          </Button>
          {!editing && (
            <Button size="sm" variant="outline" data-testid="diff-edit" onClick={() => setEditing(true)}>
              <PencilIcon /> Edit, then accept
            </Button>
          )}
          <Button
            size="sm"
            data-testid="diff-accept"
            autoFocus
            onClick={() => onAccept(editing ? edited : result.polished)}
          >
            <CheckIcon /> Accept
          </Button>
        </div>
      </div>
      {editing ? (
        <Textarea
          data-testid="diff-edited-text"
          aria-label="Edit the polished prompt"
          autoFocus
          value={edited}
          onChange={(e) => setEdited(e.target.value)}
          className="min-h-0 flex-1 resize-none rounded-none border-0 font-mono text-[12.5px] shadow-none focus-visible:ring-0"
        />
      ) : unchanged ? (
        <div className="p-6 text-center text-sm text-muted-foreground">The polished prompt is identical to the original.</div>
      ) : (
        <div className="min-h-0 flex-1 overflow-auto font-mono text-[12.5px] leading-relaxed" data-selectable>
          <div className="grid grid-cols-2 border-b text-[11px] font-sans font-semibold tracking-wide text-muted-foreground uppercase">
            <div className="px-3 py-1">Original</div>
            <div className="border-l px-3 py-1">Polished</div>
          </div>
          <table className="w-full table-fixed border-collapse">
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} data-testid="diff-row">
                  <Cell cell={r.left} side="left" />
                  <Cell cell={r.right} side="right" />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Cell({ cell, side }: { cell: DiffCell | null; side: "left" | "right" }) {
  const tone =
    cell?.kind === "removed"
      ? "bg-diff-del-bg text-diff-del-fg"
      : cell?.kind === "added"
        ? "bg-diff-add-bg text-diff-add-fg"
        : cell
          ? ""
          : "bg-muted/50";
  return (
    <>
      <td
        className={cn(
          "w-10 border-r px-2 text-right align-top text-muted-foreground/70 tabular-nums select-none",
          side === "right" && "border-l",
          tone,
        )}
        data-testid={`diff-${side}-num`}
      >
        {cell?.line ?? ""}
      </td>
      <td
        className={cn("px-2 align-top break-words whitespace-pre-wrap", tone)}
        data-testid={`diff-${side}`}
        data-kind={cell?.kind ?? "empty"}
      >
        {cell ? (
          <>
            <span aria-hidden className="mr-1 select-none opacity-60">
              {cell.kind === "removed" ? "−" : cell.kind === "added" ? "+" : " "}
            </span>
            {cell.text}
          </>
        ) : null}
      </td>
    </>
  );
}
