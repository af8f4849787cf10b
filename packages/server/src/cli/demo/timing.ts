// Units and the live mode's timing: how often a live slice is sent, how long `--live` may run,
// and how its duration is written on the command line and in summaries.

import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS, readDuration, SECOND_MS } from '../../domain/time.ts';

export { DAY_MS, HOUR_MS, MINUTE_MS };

// `--live` sends a slice of the incident this often, for at most DEMO_LIVE_MAX_MS.
export const DEMO_LIVE_INTERVAL_MS = 30_000;
export const DEMO_LIVE_MAX_MS = 2 * HOUR_MS;
// The rules' `for` in the default pack: how long after the incident starts they fire.
export const DEMO_LIVE_FIRING_AFTER_MS = 5 * MINUTE_MS;

// `--live <duration>`: a duration (docs/api.md, "Times and durations") such as 90s, 10m or
// 1h30m; more than nothing and at most DEMO_LIVE_MAX_MS.
export function parseDemoLiveDuration(text: string): number {
  const ms = readDuration(text);
  if (typeof ms === 'string') throw new RangeError(`${ms} (at most 2h)`);
  if (ms <= 0) throw new RangeError(`'${text}' is no time at all; use e.g. 10m (at most 2h)`);
  if (ms > DEMO_LIVE_MAX_MS) throw new RangeError(`'${text}' is longer than the 2h maximum; use e.g. 10m`);
  return ms;
}

export function formatLiveDuration(ms: number): string {
  return formatDuration(Math.round(ms / SECOND_MS) * SECOND_MS);
}
