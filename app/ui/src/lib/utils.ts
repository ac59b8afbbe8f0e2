import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}

/** Synopsis, or the first non-empty line of the content. */
export function promptTitle(p: { synopsis: string | null; content: string }): string {
  const s = p.synopsis?.trim();
  if (s) return s;
  const line = p.content.split("\n").find((l) => l.trim().length > 0);
  return line?.trim() ?? "(empty prompt)";
}

export const isMac =
  typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
