import { describe, expect, it } from "vitest";
import { acceleratorFromEvent, formatAccelerator, keyFromCode, type KeyLike } from "./accelerator";

const ev = (code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("acceleratorFromEvent", () => {
  it.each([
    [ev("KeyP", { ctrlKey: true, shiftKey: true }), "CmdOrCtrl+Shift+P"],
    [ev("Space", { altKey: true }), "Alt+Space"],
    [ev("KeyK", { ctrlKey: true, altKey: true }), "CmdOrCtrl+Alt+K"],
    [ev("KeyK", { metaKey: true }), "CmdOrCtrl+K"],
    [ev("KeyJ", { ctrlKey: true, metaKey: true }), "Ctrl+Super+J"],
    [ev("Digit1", { ctrlKey: true }), "CmdOrCtrl+1"],
    [ev("ArrowUp", { altKey: true, shiftKey: true }), "Alt+Shift+Up"],
    [ev("F5"), "F5"],
    [ev("F12", { shiftKey: true }), "Shift+F12"],
    [ev("Slash", { ctrlKey: true }), "CmdOrCtrl+Slash"],
  ])("%o → %s", (e, expected) => {
    expect(acceleratorFromEvent(e)).toEqual({ kind: "accelerator", value: expected });
  });

  it("waits while only modifiers are held, previewing them", () => {
    expect(acceleratorFromEvent(ev("ControlLeft", { ctrlKey: true }))).toEqual({ kind: "pending", preview: "CmdOrCtrl+" });
    expect(acceleratorFromEvent(ev("ShiftRight", { ctrlKey: true, shiftKey: true }))).toEqual({
      kind: "pending",
      preview: "CmdOrCtrl+Shift+",
    });
  });

  it("requires a modifier unless the key is an F-key", () => {
    expect(acceleratorFromEvent(ev("KeyA")).kind).toBe("invalid");
    expect(acceleratorFromEvent(ev("Space")).kind).toBe("invalid");
  });

  it("cancels on Escape, even with modifiers", () => {
    expect(acceleratorFromEvent(ev("Escape"))).toEqual({ kind: "cancel" });
    expect(acceleratorFromEvent(ev("Escape", { ctrlKey: true }))).toEqual({ kind: "cancel" });
  });

  it("rejects keys it cannot name", () => {
    expect(acceleratorFromEvent(ev("IntlBackslash", { ctrlKey: true })).kind).toBe("invalid");
  });
});

describe("keyFromCode / formatAccelerator", () => {
  it("maps codes to accelerator key names", () => {
    expect(keyFromCode("KeyZ")).toBe("Z");
    expect(keyFromCode("Digit0")).toBe("0");
    expect(keyFromCode("ArrowLeft")).toBe("Left");
    expect(keyFromCode("F24")).toBe("F24");
    expect(keyFromCode("F25")).toBeNull();
  });
  it("renders for humans", () => {
    expect(formatAccelerator("CmdOrCtrl+Shift+P")).toBe("Ctrl+Shift+P");
    expect(formatAccelerator("CmdOrCtrl+Shift+P", true)).toBe("⌘⇧P");
  });
});
