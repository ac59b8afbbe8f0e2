import type { Prompt, PromptFields } from "@/bindings";

export const emptyFields = (): PromptFields => ({
  content: "",
  synopsis: null,
  tags: [],
  score: null,
  is_private: true,
});

export const fieldsOf = (p: Prompt): PromptFields => ({
  content: p.content,
  synopsis: p.synopsis,
  tags: [...p.tags],
  score: p.score,
  is_private: p.is_private,
});

/** Normalise a tag as typed: trimmed, lowercase, inner whitespace → "-", no leading "#". */
export function normalizeTag(raw: string): string {
  return raw.trim().replace(/^#+/, "").trim().toLowerCase().replace(/\s+/g, "-");
}

/** Add tags (possibly a comma-separated list) without duplicates. */
export function addTags(tags: string[], raw: string): string[] {
  const out = [...tags];
  for (const part of raw.split(",")) {
    const t = normalizeTag(part);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

const normSynopsis = (s: string | null) => (s ?? "").trim();

export function isDirty(base: PromptFields, cur: PromptFields): boolean {
  return (
    base.content !== cur.content ||
    normSynopsis(base.synopsis) !== normSynopsis(cur.synopsis) ||
    base.score !== cur.score ||
    base.is_private !== cur.is_private ||
    base.tags.length !== cur.tags.length ||
    base.tags.some((t, i) => t !== cur.tags[i])
  );
}

/** Parse the score input: "" → null, else an integer clamped to 0–100. */
export function parseScore(raw: string): number | null {
  if (raw.trim() === "") return null;
  const n = Math.round(Number(raw));
  if (!Number.isFinite(n)) return null;
  return Math.min(100, Math.max(0, n));
}

/** What gets sent to create/update: synopsis trimmed, empty → null. */
export function cleanFields(f: PromptFields): PromptFields {
  const synopsis = normSynopsis(f.synopsis);
  return { ...f, synopsis: synopsis ? synopsis : null };
}
