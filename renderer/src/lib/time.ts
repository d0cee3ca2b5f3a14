import { useStore } from '../store';

export type TimeMode = 'local' | 'utc';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Formats an ISO time for tables: `2026-11-22 10:00:00.123` plus ` UTC` in UTC mode, so a glance
 * tells which zone is shown. Local mode uses the machine's zone (no suffix, matching the OS clock).
 */
export function formatTime(iso: string | null | undefined, mode: TimeMode): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (mode === 'utc') {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Compact clock-only form for dense columns (the date is in the hover title). */
export function formatClock(iso: string | null | undefined, mode: TimeMode): string {
  const full = formatTime(iso, mode);
  return full.length > 11 && full !== '—' ? full.slice(11) : full;
}

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago" (and "in …" for future times). */
export function relativeAge(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = nowMs - t;
  const abs = Math.abs(diff);
  const s = Math.round(abs / 1000);
  const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : s < 86400 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86400)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Hover text for any time: full ISO (always UTC, as it travels) and the relative age. */
export function timeTitle(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '';
  return `${iso} (${relativeAge(iso, nowMs)}) — click to switch local/UTC`;
}

export function useTimeMode(): TimeMode {
  return useStore((s) => s.settings.timeMode);
}

/** When something is due, relative to now: "in 12 s", "in 2 min 5 s", "now" once it is (about) due. */
export function dueIn(targetMs: number, nowMs: number): string {
  const s = Math.ceil((targetMs - nowMs) / 1000);
  if (!Number.isFinite(s) || s <= 0) return 'now';
  if (s < 60) return `in ${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return m < 60 ? `in ${m} min${rest ? ` ${rest} s` : ''}` : `in ${Math.floor(m / 60)} h ${m % 60} min`;
}
