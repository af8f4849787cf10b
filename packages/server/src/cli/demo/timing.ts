// Units and the live mode's timing: how often a live slice is sent, how long `--live` may run,
// and how its duration is written on the command line and in summaries.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// `--live` sends a slice of the incident this often, for at most DEMO_LIVE_MAX_MS.
export const DEMO_LIVE_INTERVAL_MS = 30_000;
export const DEMO_LIVE_MAX_MS = 2 * HOUR_MS;
// The rules' `for` in the default pack: how long after the incident starts they fire.
export const DEMO_LIVE_FIRING_AFTER_MS = 5 * MINUTE_MS;

// `--live <duration>`: 90s, 10m, 1h, 1h30m; more than nothing and at most DEMO_LIVE_MAX_MS.
export function parseDemoLiveDuration(text: string): number {
  const value = text.trim();
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!m || value === '') throw new RangeError(`'${text}' is not a duration; use e.g. 90s, 10m or 1h (s, m or h, at most 2h)`);
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  if (ms <= 0) throw new RangeError(`'${text}' is no time at all; use e.g. 10m (at most 2h)`);
  if (ms > DEMO_LIVE_MAX_MS) throw new RangeError(`'${text}' is longer than the 2h maximum; use e.g. 10m`);
  return ms;
}

export function formatLiveDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  return parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join('') || '0s';
}
