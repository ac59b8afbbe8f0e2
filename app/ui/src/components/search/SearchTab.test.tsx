import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "@/App";
import * as ipc from "@/lib/ipc";
import { useEditorStore } from "@/stores/editorStore";
import { useSearchStore } from "@/stores/searchStore";
import { useUiStore } from "@/stores/uiStore";
import { deferred, makeHit, makeResults, resetStores } from "@/test/fixtures";
import type { SearchResults, Suggestion } from "@/bindings";

vi.mock("@/lib/ipc", () => import("@/test/ipcMock"));

const m = vi.mocked(ipc);

const privateHit = makeHit({ id: "a", synopsis: "Code review helper", tags: ["code", "review"], score: 88 });
const publicHit = makeHit({ id: "b", synopsis: "Executive summary", is_private: false, score: 70 });
const syncedHit = makeHit({ id: "c", synopsis: "French translation", source: "synced", is_private: false, score: null });
const HITS = [privateHit, publicHit, syncedHit];

const SUGGESTIONS: Suggestion[] = [
  { text: "code review", kind: "history" },
  { text: "code", kind: "tag" },
  { text: "Code review helper", kind: "synopsis" },
];

function setup() {
  const user = userEvent.setup();
  render(<App />);
  return { user, input: screen.getByTestId("search-input") as HTMLInputElement };
}

/** Wait until the results for `q` (lexical and fused) are on screen. */
const settled = (q: string) =>
  waitFor(() => {
    const st = useSearchStore.getState();
    expect(st.results?.query).toBe(q);
    expect(st.hybridPending).toBe(false);
  });

const items = () => screen.getAllByTestId("result-item");
const selectedId = () => items().find((el) => el.getAttribute("aria-selected") === "true")?.getAttribute("data-id");

beforeEach(() => {
  resetStores();
  m.searchLexical.mockImplementation(async (q) => makeResults(q, HITS));
  m.searchHybrid.mockImplementation(async (q) => makeResults(q, HITS, true));
});

describe("results list", () => {
  it("renders hits with visibility badges, score and tags", async () => {
    setup();
    await waitFor(() => expect(items()).toHaveLength(3));
    const badges = screen.getAllByTestId("result-badge");
    expect(badges.map((b) => b.textContent)).toEqual(["Private", "Public", "Synced"]);
    expect(badges.map((b) => b.getAttribute("data-kind"))).toEqual(["private", "public", "synced"]);
    const first = items()[0];
    expect(within(first).getByText("Code review helper")).toBeInTheDocument();
    expect(within(first).getByText("#code")).toBeInTheDocument();
    expect(within(first).getByText("88")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("search-mode")).toHaveTextContent("semantic"));
  });

  it("shows 'keyword results' when the fused search is not semantic", async () => {
    m.searchHybrid.mockImplementation(async (q) => makeResults(q, HITS, false));
    setup();
    await waitFor(() => expect(m.searchHybrid).toHaveBeenCalled());
    await waitFor(() => expect(screen.getByTestId("search-mode")).toHaveTextContent("keyword results"));
    expect(screen.getByTestId("search-mode")).not.toHaveTextContent("semantic");
  });

  it("moves the selection with ↑/↓ and wraps at both ends", async () => {
    const { user, input } = setup();
    await settled("");
    expect(selectedId()).toBe("a");
    input.focus();
    await user.keyboard("{ArrowDown}");
    expect(selectedId()).toBe("b");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(selectedId()).toBe("a"); // wrapped past the end
    await user.keyboard("{ArrowUp}");
    expect(selectedId()).toBe("c"); // wrapped past the start
  });

  it("Enter copies the selected prompt with the current query and toasts", async () => {
    const { user, input } = setup();
    await user.type(input, "review");
    await waitFor(() => expect(m.searchLexical).toHaveBeenLastCalledWith("review", expect.anything()));
    await settled("review");
    await user.keyboard("{Escape}"); // make sure no dropdown is in the way (suggest returns none)
    expect(m.hideWindow).toHaveBeenCalledTimes(1); // no dropdown was open, so Esc hides
    await user.keyboard("{ArrowDown}{Enter}");
    expect(m.copyPrompt).toHaveBeenCalledWith("b", "review");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
  });

  it("Enter with an empty query passes null as the query", async () => {
    const { user, input } = setup();
    await waitFor(() => expect(items()).toHaveLength(3));
    input.focus();
    await user.keyboard("{Enter}");
    expect(m.copyPrompt).toHaveBeenCalledWith("a", null);
  });

  it("→ toggles expansion of the selected result; click expands another", async () => {
    const { user, input } = setup();
    await waitFor(() => expect(items()).toHaveLength(3));
    input.focus();
    expect(screen.queryByTestId("result-content")).toBeNull();
    await user.keyboard("{ArrowRight}");
    expect(within(items()[0]).getByTestId("result-content")).toHaveTextContent(privateHit.content.split("\n")[0]);
    await user.keyboard("{ArrowRight}");
    expect(screen.queryByTestId("result-content")).toBeNull();
    await user.click(within(items()[2]).getByText("French translation"));
    expect(selectedId()).toBe("c");
    expect(within(items()[2]).getByTestId("result-content")).toBeInTheDocument();
  });

  it("Tab moves focus to the results list, where Space toggles expansion and Enter copies", async () => {
    const { user, input } = setup();
    await settled("");
    input.focus();
    await user.keyboard("{Tab}");
    expect(document.activeElement).toBe(screen.getByTestId("results"));
    await user.keyboard("{ArrowDown} ");
    expect(within(items()[1]).getByTestId("result-content")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(m.copyPrompt).toHaveBeenCalledWith("b", null);
  });

  it("Ctrl+E opens the selected prompt in the Edit tab", async () => {
    m.getPrompt.mockResolvedValue(publicHit);
    const { user, input } = setup();
    await waitFor(() => expect(items()).toHaveLength(3));
    input.focus();
    await user.keyboard("{ArrowDown}{Control>}e{/Control}");
    expect(m.getPrompt).toHaveBeenCalledWith("b");
    await waitFor(() => expect(screen.getByTestId("tab-edit")).toHaveAttribute("aria-selected", "true"));
    expect(await screen.findByTestId("editor-content")).toHaveValue(publicHit.content);
  });
});

describe("autocomplete", () => {
  beforeEach(() => {
    m.suggest.mockImplementation(async () => SUGGESTIONS);
  });

  const suggestionItems = () => screen.getAllByTestId("suggestion-item");
  const highlighted = () => suggestionItems().findIndex((el) => el.getAttribute("aria-selected") === "true");

  it("↓/↑ move within the open dropdown without touching the result selection", async () => {
    const { user, input } = setup();
    await user.type(input, "co");
    await screen.findByTestId("suggestions");
    expect(suggestionItems()).toHaveLength(3);
    expect(highlighted()).toBe(-1);
    await user.keyboard("{ArrowDown}");
    expect(highlighted()).toBe(0);
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(highlighted()).toBe(2);
    await user.keyboard("{ArrowUp}");
    expect(highlighted()).toBe(1);
    expect(useSearchStore.getState().selected).toBe(0);
  });

  it("Tab accepts the highlighted suggestion, fills the input and re-searches", async () => {
    const { user, input } = setup();
    await user.type(input, "co");
    await screen.findByTestId("suggestions");
    await user.keyboard("{ArrowDown}{ArrowDown}{Tab}");
    expect(input).toHaveValue("code");
    expect(screen.queryByTestId("suggestions")).toBeNull();
    await waitFor(() => expect(m.searchLexical).toHaveBeenLastCalledWith("code", expect.anything()));
    expect(document.activeElement).toBe(input);
  });

  it("→ at the end of the input accepts the highlighted suggestion", async () => {
    const { user, input } = setup();
    await user.type(input, "co");
    await screen.findByTestId("suggestions");
    await user.keyboard("{ArrowUp}{ArrowRight}");
    expect(input).toHaveValue("Code review helper");
    await waitFor(() => expect(m.searchLexical).toHaveBeenLastCalledWith("Code review helper", expect.anything()));
  });

  it("Esc closes the dropdown first; a second Esc hides the window", async () => {
    const { user, input } = setup();
    await user.type(input, "co");
    await screen.findByTestId("suggestions");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("suggestions")).toBeNull();
    expect(m.hideWindow).not.toHaveBeenCalled();
    expect(input).toHaveValue("co");
    // With the dropdown closed, arrows move the results again.
    await settled("co");
    await user.keyboard("{ArrowDown}");
    expect(selectedId()).toBe("b");
    await user.keyboard("{Escape}");
    expect(m.hideWindow).toHaveBeenCalledTimes(1);
  });

  it("clicking a suggestion accepts it", async () => {
    const { user, input } = setup();
    await user.type(input, "co");
    await screen.findByTestId("suggestions");
    await user.click(suggestionItems()[0]);
    expect(input).toHaveValue("code review");
  });
});

describe("stale responses", () => {
  it("a slow lexical answer to an older query never replaces a newer one", async () => {
    const pending = new Map<string, ReturnType<typeof deferred<SearchResults>>>();
    m.searchLexical.mockImplementation((q) => {
      if (q === "") return Promise.resolve(makeResults("", []));
      const d = deferred<SearchResults>();
      pending.set(q, d);
      return d.promise;
    });
    m.searchHybrid.mockImplementation(() => new Promise(() => {})); // never answers
    const { user, input } = setup();
    await user.type(input, "a");
    await waitFor(() => expect(pending.has("a")).toBe(true));
    await user.type(input, "b");
    await waitFor(() => expect(pending.has("ab")).toBe(true));

    pending.get("ab")!.resolve(makeResults("ab", [makeHit({ id: "new", synopsis: "Newer result" })]));
    expect(await screen.findByText("Newer result")).toBeInTheDocument();

    pending.get("a")!.resolve(makeResults("a", [makeHit({ id: "old", synopsis: "Older result" })]));
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.queryByText("Older result")).toBeNull();
    expect(items().map((el) => el.getAttribute("data-id"))).toEqual(["new"]);
  });

  it("a slow fused answer to an older query is dropped after a newer fused answer", async () => {
    const hybrid = new Map<string, ReturnType<typeof deferred<SearchResults>>>();
    m.searchLexical.mockImplementation(async (q) => makeResults(q, []));
    m.searchHybrid.mockImplementation((q) => {
      const d = deferred<SearchResults>();
      hybrid.set(q, d);
      return d.promise;
    });
    const store = useSearchStore.getState();
    store.setQuery("x");
    const first = store.search();
    await waitFor(() => expect(hybrid.has("x")).toBe(true));
    store.setQuery("xy");
    const second = store.search();
    await waitFor(() => expect(hybrid.has("xy")).toBe(true));

    hybrid.get("xy")!.resolve(makeResults("xy", [makeHit({ id: "fresh" })], true));
    await second;
    hybrid.get("x")!.resolve(makeResults("x", [makeHit({ id: "stale" })], true));
    await first;
    expect(useSearchStore.getState().results?.hits.map((h) => h.id)).toEqual(["fresh"]);
    expect(useSearchStore.getState().results?.query).toBe("xy");
  });

  it("the fused list replaces the lexical one for the same query and keeps the selected prompt", async () => {
    const d = deferred<SearchResults>();
    m.searchLexical.mockImplementation(async (q) => makeResults(q, HITS));
    m.searchHybrid.mockImplementation(() => d.promise);
    const { user, input } = setup();
    await waitFor(() => expect(items()).toHaveLength(3));
    input.focus();
    await user.keyboard("{ArrowDown}");
    expect(selectedId()).toBe("b");
    d.resolve(makeResults("", [syncedHit, publicHit, privateHit], true));
    await waitFor(() => expect(items()[0]).toHaveAttribute("data-id", "c"));
    expect(selectedId()).toBe("b");
  });
});

describe("empty search → generate", () => {
  beforeEach(() => {
    m.searchLexical.mockImplementation(async (q) => makeResults(q, []));
    m.searchHybrid.mockImplementation(async (q) => makeResults(q, [], true));
  });

  it("offers Generate prompt, then opens the draft unsaved in the Edit tab", async () => {
    m.aiGenerate.mockResolvedValue({ query: "haiku about rust", content: "Write a haiku about Rust.", model: "m", attempts: 1 });
    const { user, input } = setup();
    await user.type(input, "haiku about rust");
    const empty = await screen.findByTestId("empty-state");
    await waitFor(() => expect(within(empty).getByTestId("generate-query")).toHaveValue("haiku about rust"));
    await user.click(within(screen.getByTestId("empty-state")).getByTestId("generate-button"));
    expect(m.aiGenerate).toHaveBeenCalledWith("haiku about rust");
    await waitFor(() => expect(screen.getByTestId("tab-edit")).toHaveAttribute("aria-selected", "true"));
    expect(screen.getByTestId("editor-content")).toHaveValue("Write a haiku about Rust.");
    expect(screen.getByTestId("editor-dirty")).toBeInTheDocument();
    expect(screen.getByTestId("editor-save")).toBeEnabled();
    expect(useEditorStore.getState().prompt).toBeNull();
    expect(m.createPrompt).not.toHaveBeenCalled();
  });

  it("uses the edited description and can be cancelled silently", async () => {
    const d = deferred<never>();
    m.aiGenerate.mockImplementation(() => d.promise);
    const { user, input } = setup();
    await user.type(input, "sql");
    const box = await screen.findByTestId("generate-query");
    await waitFor(() => expect(box).toHaveValue("sql"));
    await user.type(box, " report");
    await user.click(screen.getByTestId("generate-button"));
    expect(m.aiGenerate).toHaveBeenCalledWith("sql report");
    expect(screen.getByTestId("generate-button")).toHaveTextContent("Generating");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(m.aiCancel).toHaveBeenCalled();
    d.reject({ kind: "cancelled", message: "cancelled" });
    await new Promise((r) => setTimeout(r, 20));
    expect(useUiStore.getState().tab).toBe("search");
    expect(screen.getByTestId("generate-button")).toHaveTextContent("Generate prompt");
    expect(screen.queryByText(/cancelled/i)).toBeNull();
  });

  it("a missing API key shows a toast with a way to Settings", async () => {
    m.aiGenerate.mockRejectedValue({ kind: "no_key", message: "no key" });
    const { user, input } = setup();
    await user.type(input, "x");
    await user.click(await screen.findByTestId("generate-button"));
    expect(await screen.findByText(/No AI API key is set/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Open Settings" }));
    expect(useUiStore.getState().tab).toBe("settings");
  });
});
