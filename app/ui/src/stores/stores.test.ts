import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "@/lib/ipc";
import { useEditorStore } from "@/stores/editorStore";
import { useSearchStore, wrapIndex } from "@/stores/searchStore";
import { useSettingsStore } from "@/stores/settingsStore";
import { makePrompt, resetStores } from "@/test/fixtures";

vi.mock("@/lib/ipc", () => import("@/test/ipcMock"));
const m = vi.mocked(ipc);

beforeEach(() => resetStores());

describe("editorStore", () => {
  it("tracks the dirty flag against the loaded prompt", () => {
    const s = useEditorStore.getState;
    s().load(makePrompt({ content: "abc", tags: ["t"] }));
    expect(s().dirty).toBe(false);
    s().setField("content", "abcd");
    expect(s().dirty).toBe(true);
    s().setField("content", "abc");
    expect(s().dirty).toBe(false);
    s().setField("tags", ["t", "u"]);
    expect(s().dirty).toBe(true);
    s().setField("tags", ["t"]);
    s().setField("is_private", false);
    expect(s().dirty).toBe(true);
  });

  it("a new prompt is clean and private; a generated draft is dirty", () => {
    const s = useEditorStore.getState;
    s().newPrompt();
    expect(s().dirty).toBe(false);
    expect(s().fields.is_private).toBe(true);
    s().openDraft("drafted text");
    expect(s().dirty).toBe(true);
    expect(s().prompt).toBeNull();
  });

  it("save updates an existing prompt and clears the dirty flag", async () => {
    const s = useEditorStore.getState;
    const p = makePrompt({ id: "e1", content: "v1" });
    m.updatePrompt.mockImplementation(async (_id, f) => ({ ...p, ...f }));
    s().load(p);
    s().setField("content", "v2");
    s().setField("synopsis", "  ");
    expect(await s().save()).toBe(true);
    expect(m.updatePrompt).toHaveBeenCalledWith("e1", expect.objectContaining({ content: "v2", synopsis: null }));
    expect(s().dirty).toBe(false);
    expect(s().fields.content).toBe("v2");
  });

  it("a rejected save keeps the edits and the dirty flag", async () => {
    const s = useEditorStore.getState;
    m.updatePrompt.mockRejectedValue({ kind: "immutable", message: "uploaded prompts cannot change" });
    s().load(makePrompt({ id: "e2", content: "v1" }));
    s().setField("content", "v2");
    expect(await s().save()).toBe(false);
    expect(s().dirty).toBe(true);
    expect(s().fields.content).toBe("v2");
  });

  it("read-only prompts ignore edits and never save", async () => {
    const s = useEditorStore.getState;
    s().load(makePrompt({ source: "synced", content: "theirs" }));
    s().setField("content", "mine");
    expect(s().fields.content).toBe("theirs");
    expect(await s().save()).toBe(false);
    expect(m.updatePrompt).not.toHaveBeenCalled();
  });

  it("opening another prompt while dirty waits for confirmation", async () => {
    const s = useEditorStore.getState;
    m.getPrompt.mockResolvedValue(makePrompt({ id: "other", content: "other" }));
    s().load(makePrompt({ id: "cur", content: "x" }));
    s().setField("content", "y");
    await s().openPrompt("other");
    expect(m.getPrompt).not.toHaveBeenCalled();
    expect(s().pendingDiscard).not.toBeNull();
    s().confirmDiscard();
    await vi.waitFor(() => expect(s().prompt?.id).toBe("other"));
  });
});

describe("settingsStore", () => {
  const e = (value: number) => ({
    key: "sync_upload_interval_minutes",
    value,
    default_value: 15,
    is_default: value === 15,
    kind: "integer",
    options: null,
    description: "",
  });

  it("keeps the old value and records the error when set_setting rejects", async () => {
    useSettingsStore.setState({ entries: [e(15)] });
    m.setSetting.mockRejectedValue({ kind: "validation", message: "must be at least 1" });
    expect(await useSettingsStore.getState().save("sync_upload_interval_minutes", 0)).toBe(false);
    expect(useSettingsStore.getState().errors.sync_upload_interval_minutes).toBe("must be at least 1");
    expect(useSettingsStore.getState().entry("sync_upload_interval_minutes")?.value).toBe(15);
    expect(useSettingsStore.getState().saving.sync_upload_interval_minutes).toBe(false);
  });

  it("replaces the entry and clears the error on success", async () => {
    useSettingsStore.setState({ entries: [e(15)], errors: { sync_upload_interval_minutes: "old error" } });
    m.setSetting.mockResolvedValue(e(30));
    expect(await useSettingsStore.getState().save("sync_upload_interval_minutes", 30)).toBe(true);
    expect(useSettingsStore.getState().entry("sync_upload_interval_minutes")?.value).toBe(30);
    expect(useSettingsStore.getState().errors).toEqual({});
  });

  it("normalises a plain-string rejection into an error message", async () => {
    useSettingsStore.setState({ entries: [e(15)] });
    m.setSetting.mockRejectedValue("database is locked");
    await useSettingsStore.getState().save("sync_upload_interval_minutes", 20);
    expect(useSettingsStore.getState().errors.sync_upload_interval_minutes).toBe("database is locked");
  });

  it("load tolerates a failing key_status", async () => {
    m.getSettings.mockResolvedValue([e(15)]);
    m.keyStatus.mockRejectedValue({ kind: "keychain", message: "no keyring" });
    await useSettingsStore.getState().load();
    const st = useSettingsStore.getState();
    expect(st.entries).toHaveLength(1);
    expect(st.keyError).toBe("no keyring");
    expect(st.loadError).toBeNull();
  });
});

describe("searchStore", () => {
  it("wrapIndex wraps both ways", () => {
    expect(wrapIndex(2, 1, 3)).toBe(0);
    expect(wrapIndex(0, -1, 3)).toBe(2);
    expect(wrapIndex(0, 1, 0)).toBe(0);
  });

  it("sends the source filter and an empty query for recent prompts", async () => {
    useSearchStore.getState().setSource("synced");
    await vi.waitFor(() =>
      expect(m.searchLexical).toHaveBeenLastCalledWith("", { source: "synced", is_private: null, tag: null, limit: 50 }),
    );
  });

  it("skips the fused search when a newer query was typed meanwhile", async () => {
    let release!: () => void;
    m.searchLexical.mockImplementationOnce(
      (q: string) => new Promise((r) => (release = () => r({ query: q, hits: [], semantic: false, tag_count: 0, fts_count: 0, vector_count: 0, took_ms: 1 }))),
    );
    useSearchStore.setState({ query: "a" });
    const first = useSearchStore.getState().search();
    useSearchStore.setState({ query: "ab" });
    await useSearchStore.getState().search();
    release();
    await first;
    expect(m.searchHybrid.mock.calls.map((c) => c[0])).toEqual(["ab"]);
  });
});
