import { useEffect, useState } from "react";
import { KeyboardIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { acceleratorFromEvent } from "@/lib/accelerator";
import * as ipc from "@/lib/ipc";
import { cn } from "@/lib/utils";
import { useSettingsStore } from "@/stores/settingsStore";

export const HOTKEY_KEY = "hotkey_config";

/** Click "Record", press a combination: it becomes the global hotkey (via set_hotkey). */
export function HotkeyRecorder() {
  const value = useSettingsStore((s) => {
    const v = s.entries.find((e) => e.key === HOTKEY_KEY)?.value;
    return typeof v === "string" ? v : "";
  });
  const error = useSettingsStore((s) => s.hotkeyError);
  const busy = useSettingsStore((s) => s.hotkeyBusy);
  const [recording, setRecording] = useState(false);
  const [preview, setPreview] = useState("");
  const [hint, setHint] = useState<string | null>(null);

  useEffect(() => {
    if (!recording) return;
    // Pressing the current hotkey must be recorded, not hide the window.
    ipc.suspendHotkey(true).catch(() => {});
    const onKeyDown = (e: KeyboardEvent) => {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.repeat) return;
      const r = acceleratorFromEvent(e);
      switch (r.kind) {
        case "cancel":
          setRecording(false);
          return;
        case "pending":
          setPreview(r.preview);
          setHint(null);
          return;
        case "invalid":
          setPreview(r.preview);
          setHint(r.reason);
          return;
        case "accelerator":
          setRecording(false);
          void useSettingsStore.getState().setHotkey(r.value);
      }
    };
    const onKeyUp = (e: KeyboardEvent) => {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (!e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) setPreview("");
    };
    window.addEventListener("keydown", onKeyDown, true);
    window.addEventListener("keyup", onKeyUp, true);
    return () => {
      window.removeEventListener("keydown", onKeyDown, true);
      window.removeEventListener("keyup", onKeyUp, true);
      ipc.suspendHotkey(false).catch(() => {});
    };
  }, [recording]);

  const start = () => {
    useSettingsStore.getState().clearHotkeyError();
    setPreview("");
    setHint(null);
    setRecording(true);
  };

  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex items-center gap-2">
        <div
          data-testid="hotkey-value"
          aria-live="polite"
          className={cn(
            "flex h-9 min-w-52 items-center rounded-md border bg-muted/50 px-3 font-mono text-[13px]",
            recording && "border-ring ring-[3px] ring-ring/30",
          )}
        >
          {recording ? (
            <span className="text-muted-foreground">{preview || "Press a key combination…"}</span>
          ) : (
            value || <span className="text-muted-foreground">Not set</span>
          )}
        </div>
        {recording ? (
          <Button variant="outline" size="sm" data-testid="hotkey-record" onClick={() => setRecording(false)}>
            Cancel
          </Button>
        ) : (
          <Button variant="secondary" size="sm" data-testid="hotkey-record" disabled={busy} onClick={start}>
            {busy ? <Spinner /> : <KeyboardIcon />} Record
          </Button>
        )}
      </div>
      {recording && (
        <p className="text-xs text-muted-foreground">
          {hint ?? "Hold Ctrl/Cmd, Alt or Shift and press a key (F-keys work alone). Esc cancels."}
        </p>
      )}
      {error && (
        <p data-testid="hotkey-error" role="alert" className="text-xs text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
