import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "@/App";
import type { Polished } from "@/bindings";
import * as ipc from "@/lib/ipc";
import { READ_ONLY_SYNCED, READ_ONLY_UPLOADED } from "@/lib/readonly";
import { useEditorStore } from "@/stores/editorStore";
import { useUiStore } from "@/stores/uiStore";
import { makePrompt, resetStores } from "@/test/fixtures";

vi.mock("@/lib/ipc", () => import("@/test/ipcMock"));
const m = vi.mocked(ipc);

const ORIGINAL = "Intro line\nold middle\nold tail\nShared end";
const POLISHED = "Intro line\nnew middle\nShared end\nExtra closing line";
const polished: Polished = {
  strategy: "clarity",
  model: "gpt-test",
  original: ORIGINAL,
  polished: POLISHED,
  attempts: 1,
  diff: [
    { kind: "same", old_line: 1, new_line: 1, text: "Intro line" },
    { kind: "removed", old_line: 2, new_line: null, text: "old middle" },
    { kind: "removed", old_line: 3, new_line: null, text: "old tail" },
    { kind: "added", old_line: null, new_line: 2, text: "new middle" },
    { kind: "same", old_line: 4, new_line: 3, text: "Shared end" },
    { kind: "added", old_line: null, new_line: 4, text: "Extra closing line" },
  ],
};

async function openEditorWith(p = makePrompt({ content: ORIGINAL })) {
  const user = userEvent.setup();
  render(<App />);
  act(() => {
    useEditorStore.getState().load(p);
    useUiStore.getState().setTab("edit");
  });
  await screen.findByTestId("editor-content");
  return { user, prompt: p };
}

async function polishWith(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId("polish-button"));
  await user.click(await screen.findByTestId("polish-strategy-clarity"));
  return screen.findByTestId("diff-view");
}

beforeEach(() => {
  resetStores();
  m.aiStrategies.mockResolvedValue([
    { id: "clarity", group: "general", label: "Improve clarity" },
    { id: "formal", group: "style", label: "More formal" },
    { id: "claude", group: "target", label: "Optimise for Claude" },
  ]);
  m.aiPolish.mockResolvedValue(polished);
});

describe("polish diff view", () => {
  it("lists strategies grouped and shows a side-by-side diff with paired lines", async () => {
    const { user } = await openEditorWith();
    await user.click(screen.getByTestId("polish-button"));
    const menu = await screen.findByRole("menu");
    expect(within(menu).getByText("General")).toBeInTheDocument();
    expect(within(menu).getByText("Style")).toBeInTheDocument();
    expect(within(menu).getByTestId("polish-strategy-claude")).toHaveTextContent("Optimise for Claude");
    await user.click(within(menu).getByTestId("polish-strategy-clarity"));
    expect(m.aiPolish).toHaveBeenCalledWith(ORIGINAL, "clarity");

    const view = await screen.findByTestId("diff-view");
    const rows = within(view).getAllByTestId("diff-row");
    const cells = rows.map((r) => [
      within(r).getByTestId("diff-left").getAttribute("data-kind"),
      within(r).getByTestId("diff-left").textContent?.replace(/^[−+ ]/, ""),
      within(r).getByTestId("diff-right").getAttribute("data-kind"),
      within(r).getByTestId("diff-right").textContent?.replace(/^[−+ ]/, ""),
    ]);
    expect(cells).toEqual([
      ["same", "Intro line", "same", "Intro line"],
      ["removed", "old middle", "added", "new middle"],
      ["removed", "old tail", "empty", ""],
      ["same", "Shared end", "same", "Shared end"],
      ["empty", "", "added", "Extra closing line"],
    ]);
    // line numbers on both sides
    expect(within(rows[3]).getByTestId("diff-left-num")).toHaveTextContent("4");
    expect(within(rows[3]).getByTestId("diff-right-num")).toHaveTextContent("3");
  });

  it("Accept replaces the editor content, unsaved until Save", async () => {
    const { user } = await openEditorWith();
    await polishWith(user);
    await user.click(screen.getByTestId("diff-accept"));
    expect(screen.queryByTestId("diff-view")).toBeNull();
    expect(screen.getByTestId("editor-content")).toHaveValue(POLISHED);
    expect(screen.getByTestId("editor-dirty")).toBeInTheDocument();
    expect(m.updatePrompt).not.toHaveBeenCalled();
  });

  it("Reject closes the diff and keeps the original", async () => {
    const { user } = await openEditorWith();
    await polishWith(user);
    await user.click(screen.getByTestId("diff-reject"));
    expect(screen.queryByTestId("diff-view")).toBeNull();
    expect(screen.getByTestId("editor-content")).toHaveValue(ORIGINAL);
    expect(screen.queryByTestId("editor-dirty")).toBeNull();
  });

  it("Edit-then-accept puts the edited polished text in the editor", async () => {
    const { user } = await openEditorWith();
    await polishWith(user);
    await user.click(screen.getByTestId("diff-edit"));
    const box = screen.getByTestId("diff-edited-text");
    expect(box).toHaveValue(POLISHED);
    await user.clear(box);
    await user.type(box, "My own version");
    await user.click(screen.getByTestId("diff-accept"));
    expect(screen.getByTestId("editor-content")).toHaveValue("My own version");
  });

  it("a cancelled polish is silent and leaves the editor as it was", async () => {
    let rejectPolish!: (e: unknown) => void;
    m.aiPolish.mockImplementation(() => new Promise((_, rej) => (rejectPolish = rej)));
    const { user } = await openEditorWith();
    await user.click(screen.getByTestId("polish-button"));
    await user.click(await screen.findByTestId("polish-strategy-clarity"));
    await user.click(await screen.findByTestId("ai-cancel"));
    expect(m.aiCancel).toHaveBeenCalled();
    rejectPolish({ kind: "cancelled", message: "cancelled" });
    await waitFor(() => expect(screen.getByTestId("editor-content")).toBeEnabled());
    expect(screen.queryByTestId("diff-view")).toBeNull();
    expect(screen.queryByText("cancelled")).toBeNull();
  });

  it("Generate metadata fills synopsis, tags and score and shows adjustments", async () => {
    m.aiMetadata.mockResolvedValue({ synopsis: "Gen synopsis", tags: ["x", "y"], score: 77, adjustments: ["score clamped"], attempts: 1 });
    const { user } = await openEditorWith();
    await user.click(screen.getByTestId("metadata-button"));
    await waitFor(() => expect(screen.getByTestId("editor-synopsis")).toHaveValue("Gen synopsis"));
    expect(screen.getAllByTestId("editor-tag").map((t) => t.textContent)).toEqual(["#x", "#y"]);
    expect(screen.getByTestId("editor-score")).toHaveValue(77);
    expect(screen.getByText("score clamped")).toBeInTheDocument();
  });
});

describe("read-only prompts", () => {
  const expectLocked = () => {
    for (const id of ["editor-content", "editor-synopsis", "editor-tags-input", "editor-score", "editor-private", "editor-save", "polish-button", "metadata-button"]) {
      expect(screen.getByTestId(id), id).toBeDisabled();
    }
    expect(screen.getByTestId("editor-copy")).toBeEnabled();
    expect(screen.queryByTestId("editor-delete")).toBeNull();
  };

  it("an uploaded prompt opens read-only with the reason", async () => {
    await openEditorWith(makePrompt({ uploaded_at: "2025-02-01T00:00:00Z", is_private: false }));
    expect(screen.getByTestId("readonly-notice")).toHaveTextContent(READ_ONLY_UPLOADED);
    expectLocked();
  });

  it("a synced prompt opens read-only with the reason", async () => {
    await openEditorWith(makePrompt({ source: "synced", owner_id: "other", is_private: false }));
    expect(screen.getByTestId("readonly-notice")).toHaveTextContent(READ_ONLY_SYNCED);
    expectLocked();
  });

  it("Duplicate to edit calls duplicate_prompt and opens the editable copy", async () => {
    const original = makePrompt({ id: "shared-1", source: "synced", is_private: false, content: "Shared text" });
    const copy = makePrompt({ id: "copy-1", content: "Shared text" });
    m.duplicatePrompt.mockResolvedValue(copy);
    const { user } = await openEditorWith(original);
    await user.click(screen.getByTestId("editor-duplicate"));
    expect(m.duplicatePrompt).toHaveBeenCalledWith("shared-1");
    await waitFor(() => expect(screen.queryByTestId("readonly-notice")).toBeNull());
    expect(useEditorStore.getState().prompt?.id).toBe("copy-1");
    expect(screen.getByTestId("editor-content")).toBeEnabled();
    expect(await screen.findByText(/Duplicated/)).toBeInTheDocument();
  });

  it("Copy still works for read-only prompts", async () => {
    const { user } = await openEditorWith(makePrompt({ uploaded_at: "2025-02-01T00:00:00Z", content: "Frozen" }));
    await user.click(screen.getByTestId("editor-copy"));
    expect(m.copyText).toHaveBeenCalledWith("Frozen");
  });
});

describe("editing", () => {
  it("tags: Enter and comma add, × and Backspace remove; Save (Ctrl+S) creates a new prompt", async () => {
    const saved = makePrompt({ id: "new-1" });
    m.createPrompt.mockResolvedValue(saved);
    const user = userEvent.setup();
    render(<App />);
    act(() => useUiStore.getState().setTab("edit"));
    expect(screen.getByTestId("editor-private")).toBeChecked();
    expect(screen.getByTestId("editor-save")).toBeDisabled();
    await user.type(screen.getByTestId("editor-content"), "Hello prompt");
    await user.type(screen.getByTestId("editor-synopsis"), "Greets");
    const tags = screen.getByTestId("editor-tags-input");
    await user.type(tags, "one{Enter}Two,three,");
    expect(screen.getAllByTestId("editor-tag").map((t) => t.textContent)).toEqual(["#one", "#two", "#three"]);
    await user.click(screen.getByRole("button", { name: "Remove tag two" }));
    await user.type(tags, "{Backspace}");
    expect(screen.getAllByTestId("editor-tag").map((t) => t.textContent)).toEqual(["#one"]);
    await user.type(screen.getByTestId("editor-score"), "80");
    await user.keyboard("{Control>}s{/Control}");
    expect(m.createPrompt).toHaveBeenCalledWith({
      content: "Hello prompt",
      synopsis: "Greets",
      tags: ["one"],
      score: 80,
      is_private: true,
    });
    expect(await screen.findByText("Saved")).toBeInTheDocument();
    expect(screen.queryByTestId("editor-dirty")).toBeNull();
  });

  it("Delete asks for confirmation, then deletes", async () => {
    const p = makePrompt({ id: "del-1" });
    m.deletePrompt.mockResolvedValue(p);
    const { user } = await openEditorWith(p);
    await user.click(screen.getByTestId("editor-delete"));
    expect(m.deletePrompt).not.toHaveBeenCalled();
    await user.click(await screen.findByTestId("editor-delete-confirm"));
    expect(m.deletePrompt).toHaveBeenCalledWith("del-1");
    await waitFor(() => expect(screen.getByTestId("editor-content")).toHaveValue(""));
  });

  it("New with unsaved changes asks before discarding", async () => {
    const { user } = await openEditorWith();
    await user.type(screen.getByTestId("editor-content"), " more");
    await user.click(screen.getByTestId("editor-new"));
    expect(screen.getByTestId("editor-content")).toHaveValue(ORIGINAL + " more");
    await user.click(await screen.findByTestId("discard-confirm"));
    await waitFor(() => expect(screen.getByTestId("editor-content")).toHaveValue(""));
  });
});

describe("app shell keyboard", () => {
  it("Ctrl+2/3/1 switch tabs and Esc on Edit goes back to Search with the input focused", async () => {
    const user = userEvent.setup();
    render(<App />);
    await user.keyboard("{Control>}2{/Control}");
    expect(screen.getByTestId("tab-edit")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Control>}3{/Control}");
    expect(screen.getByTestId("tab-settings")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Control>}2{/Control}");
    await user.click(screen.getByTestId("editor-content"));
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("tab-search")).toHaveAttribute("aria-selected", "true");
    expect(document.activeElement).toBe(screen.getByTestId("search-input"));
  });

  it("Esc inside the diff view rejects the polish instead of leaving the tab", async () => {
    const { user } = await openEditorWith();
    await polishWith(user);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("diff-view")).toBeNull();
    expect(screen.getByTestId("tab-edit")).toHaveAttribute("aria-selected", "true");
  });

  it("window-shown from the backend switches to Search and focuses the input", async () => {
    let shown!: () => void;
    m.onWindowShown.mockImplementation(async (cb: () => void) => {
      shown = cb;
      return () => {};
    });
    render(<App />);
    act(() => useUiStore.getState().setTab("settings"));
    await waitFor(() => expect(shown).toBeDefined());
    act(() => shown());
    expect(screen.getByTestId("tab-search")).toHaveAttribute("aria-selected", "true");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("search-input")));
  });
});

