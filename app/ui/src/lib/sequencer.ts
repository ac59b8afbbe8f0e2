/**
 * Stale-response dropping for search-as-you-type.
 *
 * Every keystroke gets a new sequence number. A response is shown only if it is
 * at least as new as what is on screen, and for the same query a fused (hybrid)
 * answer beats the lexical one, never the other way round. So a slow response
 * to an older query can never replace the results of a newer query.
 */
export type ResponseKind = "lexical" | "hybrid";
export type Shown = { seq: number; kind: ResponseKind } | null;

const RANK: Record<ResponseKind, number> = { lexical: 0, hybrid: 1 };

export function shouldApply(shown: Shown, incoming: { seq: number; kind: ResponseKind }): boolean {
  if (!shown) return true;
  if (incoming.seq > shown.seq) return true;
  if (incoming.seq < shown.seq) return false;
  return RANK[incoming.kind] > RANK[shown.kind];
}

/** Monotonic counter; `isLatest(n)` tells whether `n` is the newest request issued. */
export function createSequencer() {
  let n = 0;
  return {
    next: () => ++n,
    current: () => n,
    isLatest: (seq: number) => seq === n,
  };
}
