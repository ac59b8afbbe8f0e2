import { create } from "zustand";

export type Tab = "search" | "edit" | "settings";
export const TABS: Tab[] = ["search", "edit", "settings"];

type UiState = {
  tab: Tab;
  /** bumped to ask the search input to take focus and select its text */
  focusSearchNonce: number;
  setTab: (tab: Tab) => void;
  focusSearch: () => void;
};

export const useUiStore = create<UiState>((set) => ({
  tab: "search",
  focusSearchNonce: 0,
  setTab: (tab) => set({ tab }),
  focusSearch: () => set((s) => ({ tab: "search", focusSearchNonce: s.focusSearchNonce + 1 })),
}));
