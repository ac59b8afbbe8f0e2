import type { DiffKind, DiffLine } from "@/bindings";

export type DiffCell = { line: number | null; text: string; kind: DiffKind };
export type DiffRow = { left: DiffCell | null; right: DiffCell | null };

/**
 * Pair a unified line diff into side-by-side rows. Unchanged lines sit on both
 * sides; within each block of changes the i-th removed line is paired with the
 * i-th added line, and the longer side is padded with empty cells.
 */
export function pairDiff(lines: DiffLine[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    const n = Math.max(removed.length, added.length);
    for (let i = 0; i < n; i++) {
      const r = removed[i];
      const a = added[i];
      rows.push({
        left: r ? { line: r.old_line, text: r.text, kind: "removed" } : null,
        right: a ? { line: a.new_line, text: a.text, kind: "added" } : null,
      });
    }
    removed = [];
    added = [];
  };
  for (const l of lines) {
    if (l.kind === "removed") removed.push(l);
    else if (l.kind === "added") added.push(l);
    else {
      flush();
      rows.push({
        left: { line: l.old_line, text: l.text, kind: "same" },
        right: { line: l.new_line, text: l.text, kind: "same" },
      });
    }
  }
  flush();
  return rows;
}

export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}
