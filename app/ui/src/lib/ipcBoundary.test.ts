import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe("IPC boundary", () => {
  it("only src/lib/ipc.ts imports @tauri-apps/api/core or /event", () => {
    const offenders = files(SRC)
      .filter((f) => !/lib[\\/]ipc(\.test)?\.ts$/.test(f) && !f.endsWith("ipcBoundary.test.ts"))
      .filter((f) => /from\s+["']@tauri-apps\/api(\/core|\/event)?["']/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it("the dev mock backend is only reachable behind import.meta.env.DEV", () => {
    const importers = files(SRC)
      .filter((f) => !f.endsWith(".test.ts") && !f.endsWith(".test.tsx"))
      .filter((f) => readFileSync(f, "utf8").includes("ipc.mock"))
      .map((f) => relative(SRC, f));
    expect(importers).toEqual(["main.tsx"]);
    expect(readFileSync(join(SRC, "main.tsx"), "utf8")).toMatch(/import\.meta\.env\.DEV[^\n]*\n\s*const \{[^}]*\} = await import\("\.\/lib\/ipc\.mock"\)/);
  });
});
