import { useState } from "react";
import { XIcon } from "lucide-react";
import { addTags } from "@/lib/fields";
import { cn } from "@/lib/utils";

type Props = {
  tags: string[];
  onChange: (tags: string[]) => void;
  disabled?: boolean;
  /** dim when disabled (false for read-only prompts, which stay legible) */
  dim?: boolean;
  id?: string;
};

/** Tags as chips: type and press Enter or comma to add; Backspace or × removes. */
export function TagInput({ tags, onChange, disabled, dim = true, id }: Props) {
  const [draft, setDraft] = useState("");

  const commit = (raw: string) => {
    const next = addTags(tags, raw);
    if (next.length !== tags.length) onChange(next);
    setDraft("");
  };

  return (
    <div
      className={cn(
        "flex min-h-9 flex-wrap items-center gap-1.5 rounded-md border border-input px-2 py-1.5 shadow-xs",
        "focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40",
        disabled && (dim ? "opacity-60" : "bg-muted/40"),
      )}
    >
      {tags.map((t) => (
        <span
          key={t}
          data-testid="editor-tag"
          className="inline-flex items-center gap-1 rounded bg-secondary py-0.5 pr-1 pl-1.5 text-xs text-secondary-foreground"
        >
          #{t}
          {!disabled && (
            <button
              type="button"
              aria-label={`Remove tag ${t}`}
              className="rounded-sm text-muted-foreground hover:text-foreground"
              onClick={() => onChange(tags.filter((x) => x !== t))}
            >
              <XIcon className="size-3" />
            </button>
          )}
        </span>
      ))}
      <input
        id={id}
        data-testid="editor-tags-input"
        aria-label="Add tag"
        disabled={disabled}
        value={draft}
        placeholder={tags.length ? "" : "Add tags…"}
        className="min-w-24 flex-1 bg-transparent text-sm outline-none placeholder:text-muted-foreground disabled:cursor-not-allowed"
        onChange={(e) => {
          const v = e.target.value;
          if (v.includes(",")) commit(v);
          else setDraft(v);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            if (draft.trim()) commit(draft);
          } else if (e.key === "Backspace" && draft === "" && tags.length) {
            e.preventDefault();
            onChange(tags.slice(0, -1));
          }
        }}
        onBlur={() => draft.trim() && commit(draft)}
      />
    </div>
  );
}
