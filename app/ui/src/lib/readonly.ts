import type { Prompt } from "@/bindings";

export const READ_ONLY_SYNCED = "This prompt was synced from another user and is read-only";
export const READ_ONLY_UPLOADED =
  "This prompt has been uploaded and shared, so it can no longer be changed";

/** Why a prompt cannot be edited, or null when it can. */
export function readOnlyReason(p: Pick<Prompt, "source" | "uploaded_at"> | null | undefined): string | null {
  if (!p) return null;
  if (p.source === "synced") return READ_ONLY_SYNCED;
  if (p.uploaded_at != null) return READ_ONLY_UPLOADED;
  return null;
}

export type BadgeKind = "private" | "public" | "synced";

/** Which visibility badge a prompt or hit shows. */
export function badgeKind(p: Pick<Prompt, "source" | "is_private">): BadgeKind {
  if (p.source === "synced") return "synced";
  return p.is_private ? "private" : "public";
}
