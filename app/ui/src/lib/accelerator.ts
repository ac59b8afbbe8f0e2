/**
 * Build a Tauri global-shortcut accelerator (e.g. `CmdOrCtrl+Shift+P`) from a keydown.
 */
export type KeyLike = {
  code: string;
  key?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
};

export type RecordResult =
  | { kind: "accelerator"; value: string }
  /** only modifiers so far; `preview` is e.g. "CmdOrCtrl+Shift+" */
  | { kind: "pending"; preview: string }
  | { kind: "cancel" }
  | { kind: "invalid"; reason: string; preview: string };

const MODIFIER_CODES = new Set([
  "ControlLeft",
  "ControlRight",
  "ShiftLeft",
  "ShiftRight",
  "AltLeft",
  "AltRight",
  "MetaLeft",
  "MetaRight",
  "OSLeft",
  "OSRight",
  "CapsLock",
  "Fn",
  "FnLock",
]);

const NAMED: Record<string, string> = {
  Space: "Space",
  Enter: "Enter",
  NumpadEnter: "Enter",
  Tab: "Tab",
  Backspace: "Backspace",
  Delete: "Delete",
  Insert: "Insert",
  Home: "Home",
  End: "End",
  PageUp: "PageUp",
  PageDown: "PageDown",
  ArrowUp: "Up",
  ArrowDown: "Down",
  ArrowLeft: "Left",
  ArrowRight: "Right",
  Minus: "Minus",
  Equal: "Equal",
  BracketLeft: "BracketLeft",
  BracketRight: "BracketRight",
  Backslash: "Backslash",
  Semicolon: "Semicolon",
  Quote: "Quote",
  Backquote: "Backquote",
  Comma: "Comma",
  Period: "Period",
  Slash: "Slash",
  PrintScreen: "PrintScreen",
  ScrollLock: "ScrollLock",
  Pause: "Pause",
  NumpadAdd: "NumpadAdd",
  NumpadSubtract: "NumpadSubtract",
  NumpadMultiply: "NumpadMultiply",
  NumpadDivide: "NumpadDivide",
  NumpadDecimal: "NumpadDecimal",
};

export function isFunctionKey(code: string): boolean {
  return /^F([1-9]|1[0-9]|2[0-4])$/.test(code);
}

/** Map a `KeyboardEvent.code` to an accelerator key name, or null if unsupported. */
export function keyFromCode(code: string): string | null {
  let m: RegExpMatchArray | null;
  if ((m = code.match(/^Key([A-Z])$/))) return m[1];
  if ((m = code.match(/^Digit([0-9])$/))) return m[1];
  if ((m = code.match(/^Numpad([0-9])$/))) return `Numpad${m[1]}`;
  if (isFunctionKey(code)) return code;
  return NAMED[code] ?? null;
}

export function modifierPrefix(e: Pick<KeyLike, "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): string[] {
  const mods: string[] = [];
  if (e.ctrlKey && e.metaKey) mods.push("Ctrl", "Super");
  else if (e.ctrlKey || e.metaKey) mods.push("CmdOrCtrl");
  if (e.altKey) mods.push("Alt");
  if (e.shiftKey) mods.push("Shift");
  return mods;
}

export function acceleratorFromEvent(e: KeyLike): RecordResult {
  const mods = modifierPrefix(e);
  const preview = mods.length ? mods.join("+") + "+" : "";
  if (e.code === "Escape") return { kind: "cancel" };
  if (MODIFIER_CODES.has(e.code)) return { kind: "pending", preview };
  const key = keyFromCode(e.code);
  if (!key) return { kind: "invalid", reason: `The key "${e.key || e.code}" cannot be used in a shortcut`, preview };
  if (mods.length === 0 && !isFunctionKey(e.code)) {
    return {
      kind: "invalid",
      reason: "Add a modifier (Ctrl, Alt, Shift) or use an F-key",
      preview: key,
    };
  }
  return { kind: "accelerator", value: [...mods, key].join("+") };
}

/** Human-friendly rendering of an accelerator for the current platform. */
export function formatAccelerator(acc: string, mac = false): string {
  return acc
    .split("+")
    .map((p) => {
      if (p === "CmdOrCtrl" || p === "CommandOrControl") return mac ? "⌘" : "Ctrl";
      if (p === "Super" || p === "Meta" || p === "Cmd" || p === "Command") return mac ? "⌘" : "Super";
      if (p === "Alt" || p === "Option") return mac ? "⌥" : "Alt";
      if (p === "Shift") return mac ? "⇧" : "Shift";
      if (p === "Ctrl" || p === "Control") return mac ? "⌃" : "Ctrl";
      return p;
    })
    .join(mac ? "" : "+");
}
