import { describe, expect, it } from "vitest";
import type { DiffLine } from "@/bindings";
import { diffStats, pairDiff } from "./diff";

const same = (o: number, n: number, text: string): DiffLine => ({ kind: "same", old_line: o, new_line: n, text });
const del = (o: number, text: string): DiffLine => ({ kind: "removed", old_line: o, new_line: null, text });
const add = (n: number, text: string): DiffLine => ({ kind: "added", old_line: null, new_line: n, text });

describe("pairDiff", () => {
  it("puts unchanged lines on both sides with their own line numbers", () => {
    expect(pairDiff([same(1, 1, "a"), same(2, 3, "b")])).toEqual([
      { left: { line: 1, text: "a", kind: "same" }, right: { line: 1, text: "a", kind: "same" } },
      { left: { line: 2, text: "b", kind: "same" }, right: { line: 3, text: "b", kind: "same" } },
    ]);
  });

  it("pairs removed with added lines inside a change block and pads the shorter side", () => {
    const rows = pairDiff([same(1, 1, "keep"), del(2, "old1"), del(3, "old2"), add(2, "new1"), same(4, 3, "tail"), add(4, "extra")]);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual({ left: { line: 2, text: "old1", kind: "removed" }, right: { line: 2, text: "new1", kind: "added" } });
    expect(rows[2]).toEqual({ left: { line: 3, text: "old2", kind: "removed" }, right: null });
    expect(rows[3].left?.text).toBe("tail");
    expect(rows[4]).toEqual({ left: null, right: { line: 4, text: "extra", kind: "added" } });
  });

  it("pairs interleaved add/remove within one block in order", () => {
    const rows = pairDiff([add(1, "n1"), del(1, "o1"), add(2, "n2")]);
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ["o1", "n1"],
      [null, "n2"],
    ]);
  });

  it("handles an empty diff", () => {
    expect(pairDiff([])).toEqual([]);
    expect(diffStats([del(1, "x"), add(1, "y"), add(2, "z")])).toEqual({ added: 2, removed: 1 });
  });
});
