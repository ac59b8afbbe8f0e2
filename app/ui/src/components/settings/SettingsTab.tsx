import { useEffect, useState } from "react";
import { AlertCircleIcon, KeyRoundIcon } from "lucide-react";
import type { EmbedState } from "@/bindings";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Progress } from "@/components/ui/progress";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import { useSettingsStore } from "@/stores/settingsStore";
import { HOTKEY_KEY, HotkeyRecorder } from "./HotkeyRecorder";
import { SettingField } from "./SettingField";

type FieldSpec = { key: string; label: string; hint?: string };

const AI_FIELDS: FieldSpec[] = [
  { key: "ai_polish_model_endpoint", label: "Polish endpoint" },
  { key: "ai_polish_model_name", label: "Polish model" },
  { key: "ai_meta_model_endpoint", label: "Metadata endpoint" },
  { key: "ai_meta_model_name", label: "Metadata model" },
  { key: "ai_request_timeout_seconds", label: "Request timeout (seconds)" },
];
const EMBED_FIELDS: FieldSpec[] = [
  { key: "embedding_model", label: "Embedding model" },
  { key: "embedding_model_dir", label: "Custom model folder" },
  { key: "onnxruntime_library", label: "ONNX Runtime library" },
];
const SYNC_FIELDS: FieldSpec[] = [
  { key: "sync_upload_interval_minutes", label: "Upload interval (minutes)" },
  { key: "sync_download_interval_minutes", label: "Download interval (minutes)" },
  { key: "analytics_interval_seconds", label: "Analytics interval (seconds)" },
];
const KNOWN = new Set([HOTKEY_KEY, ...AI_FIELDS, ...EMBED_FIELDS, ...SYNC_FIELDS].map((f) => (typeof f === "string" ? f : f.key)));

export function SettingsTab() {
  const loading = useSettingsStore((s) => s.loading);
  const loaded = useSettingsStore((s) => s.loaded);
  const loadError = useSettingsStore((s) => s.loadError);
  const entries = useSettingsStore((s) => s.entries);

  useEffect(() => {
    void useSettingsStore.getState().load();
  }, []);

  const others = entries.filter((e) => !KNOWN.has(e.key)).map((e) => ({ key: e.key, label: e.key }));

  if (!loaded && loading) {
    return (
      <div className="flex h-full items-center justify-center gap-2 text-sm text-muted-foreground">
        <Spinner /> Loading settings…
      </div>
    );
  }

  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto flex max-w-3xl flex-col gap-6 px-5 py-4">
        {loadError && (
          <div role="alert" className="flex items-center gap-2 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
            <AlertCircleIcon className="size-4 text-destructive" />
            <span className="flex-1">Could not load settings: {loadError}</span>
            <Button size="sm" variant="outline" onClick={() => void useSettingsStore.getState().load()}>
              Retry
            </Button>
          </div>
        )}

        <Section title="Global hotkey" description="Shows PromptVault from anywhere.">
          <HotkeyRecorder />
        </Section>

        <Section title="AI" description="OpenAI-compatible endpoints used to polish prompts and generate metadata.">
          <ApiKeyField />
          <Fields specs={AI_FIELDS} />
        </Section>

        <Section title="Semantic search" description="The local embedding model behind semantic search.">
          <EmbedStatus />
          <Fields specs={EMBED_FIELDS} />
        </Section>

        <Section title="Sync & analytics" description="Stored now; used when sync lands.">
          <Fields specs={SYNC_FIELDS} />
        </Section>

        {others.length > 0 && (
          <Section title="Other">
            <Fields specs={others} />
          </Section>
        )}
      </div>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-3">
      <div>
        <h3 className="text-sm font-semibold">{title}</h3>
        {description && <p className="text-xs text-muted-foreground">{description}</p>}
      </div>
      <div className="flex flex-col gap-3 rounded-lg border bg-card p-4">{children}</div>
    </section>
  );
}

function Fields({ specs }: { specs: FieldSpec[] }) {
  const entries = useSettingsStore((s) => s.entries);
  return (
    <>
      {specs.map((f) => {
        const entry = entries.find((e) => e.key === f.key);
        return entry ? <SettingField key={f.key} entry={entry} label={f.label} hint={f.hint} /> : null;
      })}
    </>
  );
}

function ApiKeyField() {
  const status = useSettingsStore((s) => s.keyStatus);
  const error = useSettingsStore((s) => s.keyError);
  const busy = useSettingsStore((s) => s.keyBusy);
  const [key, setKey] = useState("");

  const label = !status
    ? "Unknown"
    : status.set
      ? `Set (${status.source ?? "keychain"})${status.placeholder ? ", placeholder" : ""}`
      : "Not set";

  const save = async () => {
    if (await useSettingsStore.getState().saveApiKey(key)) setKey("");
  };

  return (
    <div className="grid grid-cols-[200px_1fr] items-start gap-x-4 gap-y-1">
      <label htmlFor="api-key" className="flex items-center gap-1.5 pt-2 text-[13px] font-medium">
        <KeyRoundIcon className="size-3.5" /> API key
      </label>
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-2">
          <Input
            id="api-key"
            data-testid="api-key-input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={status?.set ? "Enter a new key to replace it" : "sk-…"}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                void save();
              }
            }}
          />
          <Button size="sm" data-testid="api-key-save" disabled={busy || !key.trim()} onClick={() => void save()}>
            Save
          </Button>
          <Button
            size="sm"
            variant="outline"
            data-testid="api-key-clear"
            disabled={busy || !status?.set || status.source !== "keychain"}
            onClick={() => void useSettingsStore.getState().clearApiKey()}
          >
            Clear
          </Button>
        </div>
        <p className="text-xs text-muted-foreground">
          Status:{" "}
          <span data-testid="api-key-status" className={cn("font-medium", status?.set ? "text-success" : "text-foreground")}>
            {label}
          </span>
          {status?.source === "environment" && " (from the environment; clear it there)"}
        </p>
        {status?.keychain_error && <p className="text-xs text-amber-600 dark:text-amber-400">Keychain: {status.keychain_error}</p>}
        {error && (
          <p role="alert" data-testid="api-key-error" className="text-xs text-destructive">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

const PHASE_LABEL: Record<EmbedState["phase"], string> = {
  idle: "Idle",
  loading: "Loading model…",
  downloading: "Downloading model…",
  embedding: "Embedding prompts…",
  ready: "Ready",
  unavailable: "Unavailable",
};

export function embedPercent(s: EmbedState): number {
  if (s.phase === "downloading" && s.download) {
    const d = s.download;
    const file = d.file_total ? d.file_done / d.file_total : 0;
    return Math.min(100, (100 * (d.files_done + file)) / Math.max(1, d.files_total));
  }
  if (s.phase === "embedding" && s.progress && s.progress.total > 0) {
    return Math.min(100, (100 * s.progress.done) / s.progress.total);
  }
  if (s.total > 0) return Math.min(100, (100 * s.embedded) / s.total);
  return s.phase === "ready" ? 100 : 0;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

function EmbedStatus() {
  const s = useSettingsStore((st) => st.embed);
  if (!s) {
    return (
      <div data-testid="embed-progress" className="text-xs text-muted-foreground">
        Status unknown
      </div>
    );
  }
  const pct = embedPercent(s);
  const busy = s.phase === "loading" || s.phase === "downloading" || s.phase === "embedding";
  return (
    <div data-testid="embed-progress" data-phase={s.phase} className="flex flex-col gap-1.5">
      <div className="flex items-center gap-2 text-[13px]">
        {busy && <Spinner className="size-3.5" />}
        <span className="font-medium">{PHASE_LABEL[s.phase] ?? s.phase}</span>
        <span className="text-muted-foreground">{s.model}</span>
        <span className="ml-auto text-xs text-muted-foreground tabular-nums">
          {s.phase === "downloading" && s.download
            ? `${s.download.file} · ${mib(s.download.file_done)}${s.download.file_total ? ` / ${mib(s.download.file_total)}` : ""} · file ${s.download.files_done + 1} of ${s.download.files_total}`
            : s.phase === "embedding" && s.progress
            ? `${s.progress.done}/${s.progress.total} · ${s.progress.docs_per_sec.toFixed(1)} docs/s${s.progress.failed ? ` · ${s.progress.failed} failed` : ""}`
            : `${s.embedded}/${s.total} embedded${s.stale ? ` · ${s.stale} stale` : ""}`}
        </span>
      </div>
      <Progress value={pct} aria-label="Embedding progress" />
      {s.error && <p className="text-xs text-destructive">{s.error}</p>}
    </div>
  );
}
