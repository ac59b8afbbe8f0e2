import { useEffect, useState } from "react";
import { CheckIcon, RotateCcwIcon } from "lucide-react";
import type { JsonValue, SettingEntry } from "@/bindings";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Spinner } from "@/components/ui/spinner";
import { useSettingsStore } from "@/stores/settingsStore";

export function isNumericSetting(e: Pick<SettingEntry, "kind" | "default_value" | "value">): boolean {
  return (
    typeof e.default_value === "number" ||
    typeof e.value === "number" ||
    /int|number|float|u8|u16|u32|u64|i32|i64|f64|seconds|minutes/i.test(e.kind)
  );
}

const toText = (v: JsonValue): string => (v == null ? "" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * Turn what was typed into the JSON value to store, or an error message.
 * Numbers must be whole and ≥ 0; an emptied optional text field becomes null.
 */
export function parseSettingInput(e: SettingEntry, raw: string): { value: JsonValue } | { error: string } {
  if (isNumericSetting(e)) {
    const t = raw.trim();
    if (!/^\d+$/.test(t)) return { error: "Enter a whole number (0 or more)" };
    return { value: Number(t) };
  }
  if (raw.trim() === "" && (e.default_value === null || e.value === null)) return { value: null };
  return { value: raw.trim() };
}

type Props = { entry: SettingEntry; label: string; hint?: string; placeholder?: string };

/** One setting: saves on blur or Enter (select: on change) via set_setting, with inline errors. */
export function SettingField({ entry, label, hint, placeholder }: Props) {
  const error = useSettingsStore((s) => s.errors[entry.key]);
  const saving = useSettingsStore((s) => !!s.saving[entry.key]);
  const [draft, setDraft] = useState(toText(entry.value));
  const [justSaved, setJustSaved] = useState(false);
  useEffect(() => {
    if (!justSaved) return;
    const t = setTimeout(() => setJustSaved(false), 1500);
    return () => clearTimeout(t);
  }, [justSaved]);
  useEffect(() => setDraft(toText(entry.value)), [entry.value]);

  const id = `setting-${entry.key}`;
  const numeric = isNumericSetting(entry);

  const commit = async (raw: string) => {
    const store = useSettingsStore.getState();
    const parsed = parseSettingInput(entry, raw);
    if ("error" in parsed) {
      store.setError(entry.key, parsed.error);
      return;
    }
    if (JSON.stringify(parsed.value) === JSON.stringify(entry.value)) {
      store.setError(entry.key, null);
      return;
    }
    if (await store.save(entry.key, parsed.value)) setJustSaved(true);
  };

  const control = entry.options ? (
    <NativeSelect
      id={id}
      data-testid={id}
      value={draft}
      aria-invalid={!!error}
      onChange={(e) => {
        setDraft(e.target.value);
        void commit(e.target.value);
      }}
    >
      {!entry.options.includes(draft) && <option value={draft}>{draft || "(none)"}</option>}
      {entry.options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </NativeSelect>
  ) : (
    <Input
      id={id}
      data-testid={id}
      type={numeric ? "number" : "text"}
      inputMode={numeric ? "numeric" : undefined}
      min={numeric ? 0 : undefined}
      spellCheck={false}
      placeholder={placeholder ?? (entry.default_value == null ? "(not set)" : toText(entry.default_value))}
      value={draft}
      aria-invalid={!!error}
      aria-describedby={error ? `${id}-error` : undefined}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={(e) => void commit(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          void commit(e.currentTarget.value);
        } else if (e.key === "Escape") {
          e.preventDefault();
          setDraft(toText(entry.value));
          useSettingsStore.getState().setError(entry.key, null);
        }
      }}
    />
  );

  return (
    <div className="grid grid-cols-[200px_1fr] items-start gap-x-4 gap-y-1">
      <label htmlFor={id} className="pt-2 text-[13px] font-medium">
        {label}
      </label>
      <div className="flex min-w-0 flex-col gap-1">
        <div className="flex items-center gap-2">
          {control}
          {saving ? (
            <Spinner className="text-muted-foreground" />
          ) : justSaved ? (
            <CheckIcon className="size-4 text-success" aria-label="Saved" data-testid={`setting-saved-${entry.key}`} />
          ) : (
            !entry.is_default && (
              <button
                type="button"
                title="Reset to default"
                aria-label={`Reset ${label} to default`}
                className="text-muted-foreground hover:text-foreground"
                onClick={() => {
                  setDraft(toText(entry.default_value));
                  void useSettingsStore.getState().save(entry.key, entry.default_value);
                }}
              >
                <RotateCcwIcon className="size-3.5" />
              </button>
            )
          )}
        </div>
        {error ? (
          <p id={`${id}-error`} data-testid={`setting-error-${entry.key}`} role="alert" className="text-xs text-destructive">
            {error}
          </p>
        ) : (
          (hint ?? entry.description) && <p className="text-xs text-muted-foreground">{hint ?? entry.description}</p>
        )}
      </div>
    </div>
  );
}
