import { toast } from "sonner";
import type { VaultError } from "@/bindings";
import { toVaultError } from "@/lib/ipc";
import { useUiStore } from "@/stores/uiStore";

/** User-facing text for an AI error, or null when it should stay silent. */
export function aiErrorMessage(e: VaultError): string | null {
  switch (e.kind) {
    case "cancelled":
      return null;
    case "no_key":
      return "No AI API key is set. Add one in Settings.";
    case "rate_limited":
      return "The AI service is rate-limiting requests. Try again in a moment.";
    case "timeout":
      return "The AI request timed out. Try again, or raise the timeout in Settings.";
    case "network":
      return `Could not reach the AI service: ${e.message}`;
    default:
      return e.message || "The AI request failed.";
  }
}

export function reportAiError(err: unknown) {
  const e = toVaultError(err);
  const msg = aiErrorMessage(e);
  if (!msg) return;
  if (e.kind === "no_key") {
    toast.error(msg, {
      id: "ai-no-key",
      action: { label: "Open Settings", onClick: () => useUiStore.getState().setTab("settings") },
    });
  } else {
    toast.error(msg);
  }
}

export function reportError(err: unknown, prefix?: string) {
  const e = toVaultError(err);
  toast.error(prefix ? `${prefix}: ${e.message}` : e.message);
}
