import { describe, expect, it } from "vitest";
import { makePrompt } from "@/test/fixtures";
import { addTags, cleanFields, emptyFields, isDirty, normalizeTag, parseScore } from "./fields";
import { toVaultError } from "./ipc";
import { badgeKind, READ_ONLY_SYNCED, READ_ONLY_UPLOADED, readOnlyReason } from "./readonly";
import { createSequencer, shouldApply } from "./sequencer";

describe("readOnlyReason", () => {
  it("is null for local prompts that were never uploaded", () => {
    expect(readOnlyReason(makePrompt())).toBeNull();
    expect(readOnlyReason(null)).toBeNull();
  });
  it("explains uploaded and synced prompts (synced wins)", () => {
    expect(readOnlyReason(makePrompt({ uploaded_at: "2025-01-02T00:00:00Z" }))).toBe(READ_ONLY_UPLOADED);
    expect(readOnlyReason(makePrompt({ source: "synced", uploaded_at: "2025-01-02T00:00:00Z" }))).toBe(READ_ONLY_SYNCED);
    expect(readOnlyReason(makePrompt({ source: "synced" }))).toBe(READ_ONLY_SYNCED);
  });
  it("chooses the badge", () => {
    expect(badgeKind(makePrompt())).toBe("private");
    expect(badgeKind(makePrompt({ is_private: false }))).toBe("public");
    expect(badgeKind(makePrompt({ source: "synced", is_private: false }))).toBe("synced");
  });
});

describe("shouldApply (stale-response dropping)", () => {
  it("never lets an older request replace a newer one", () => {
    expect(shouldApply({ seq: 5, kind: "lexical" }, { seq: 4, kind: "hybrid" })).toBe(false);
    expect(shouldApply({ seq: 5, kind: "lexical" }, { seq: 6, kind: "lexical" })).toBe(true);
    expect(shouldApply(null, { seq: 1, kind: "lexical" })).toBe(true);
  });
  it("lets the fused answer replace the lexical one for the same request, not the reverse", () => {
    expect(shouldApply({ seq: 3, kind: "lexical" }, { seq: 3, kind: "hybrid" })).toBe(true);
    expect(shouldApply({ seq: 3, kind: "hybrid" }, { seq: 3, kind: "lexical" })).toBe(false);
    expect(shouldApply({ seq: 3, kind: "hybrid" }, { seq: 3, kind: "hybrid" })).toBe(false);
  });
  it("sequencer tracks the latest request", () => {
    const s = createSequencer();
    const a = s.next();
    const b = s.next();
    expect(s.isLatest(a)).toBe(false);
    expect(s.isLatest(b)).toBe(true);
  });
});

describe("fields", () => {
  it("normalises and de-duplicates tags", () => {
    expect(normalizeTag("  #Code Review ")).toBe("code-review");
    expect(addTags(["a"], "b, A ,#c,,")).toEqual(["a", "b", "c"]);
  });
  it("detects changes", () => {
    const base = emptyFields();
    expect(isDirty(base, { ...base, tags: [] })).toBe(false);
    expect(isDirty(base, { ...base, synopsis: "" })).toBe(false);
    expect(isDirty(base, { ...base, content: "x" })).toBe(true);
    expect(isDirty(base, { ...base, tags: ["x"] })).toBe(true);
    expect(isDirty(base, { ...base, is_private: false })).toBe(true);
  });
  it("parses scores and cleans synopsis", () => {
    expect(parseScore("")).toBeNull();
    expect(parseScore("150")).toBe(100);
    expect(parseScore("-3")).toBe(0);
    expect(parseScore("42.4")).toBe(42);
    expect(cleanFields({ ...emptyFields(), synopsis: "  " }).synopsis).toBeNull();
  });
});

describe("toVaultError", () => {
  it("normalises every rejection shape", () => {
    expect(toVaultError("boom")).toEqual({ kind: "internal", message: "boom" });
    expect(toVaultError({ kind: "no_key", message: "set a key" })).toEqual({ kind: "no_key", message: "set a key" });
    expect(toVaultError(new Error("bad"))).toEqual({ kind: "internal", message: "bad" });
    expect(toVaultError(undefined).kind).toBe("internal");
  });
});
