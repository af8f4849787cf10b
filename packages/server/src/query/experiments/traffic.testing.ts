import { hex } from '../../testing/fixtures.ts';

// Generated traffic whose answer is known: the support feature's calls split over prompt
// variants. A is the incumbent; B sends 30% fewer tokens on the same model (so costs 30% less a
// call) with the same latency and scores; C sends the same tokens (same cost) but is 50% slower
// and scored lower; D has only a handful of calls. All of them fail 2% of the time. The values are
// drawn from a seeded generator, so the test sees the same traffic on every run and backend.

export const CALLS = 300;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A small linear congruential generator (Numerical Recipes' constants): uniform in [0, 1).
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Arm {
  variant: string;
  calls: number;
  tokenScale: number;
  latencyScale: number;
  scoreMean: number;
  firstDay: number; // days after the traffic's first day
}

export const ARMS: Arm[] = [
  { variant: 'A', calls: CALLS, tokenScale: 1, latencyScale: 1, scoreMean: 0.8, firstDay: 0 },
  { variant: 'B', calls: CALLS, tokenScale: 0.7, latencyScale: 1, scoreMean: 0.8, firstDay: 1 },
  { variant: 'C', calls: CALLS, tokenScale: 1, latencyScale: 1.5, scoreMean: 0.6, firstDay: 1 },
  { variant: 'D', calls: 8, tokenScale: 1, latencyScale: 1, scoreMean: 0.8, firstDay: 2 },
];

// Calls over four days from `startMs` (a day's start, UTC), at 09:00 each day.
export function experimentTraffic(startMs = Date.UTC(2026, 10, 2)): Record<string, unknown>[] {
  const rnd = random(23);
  // Roughly normal: the mean of four uniforms, centred, scaled to ± spread.
  const noisy = (mean: number, spread: number) => mean + spread * ((rnd() + rnd() + rnd() + rnd()) / 2 - 1);
  const items: Record<string, unknown>[] = [];
  for (const arm of ARMS) {
    for (let i = 0; i < arm.calls; i++) {
      const traceId = hex(16);
      const at = new Date(startMs + (arm.firstDay + (i % 4)) * DAY + 9 * HOUR + i * 1000).toISOString();
      const failed = rnd() < 0.02;
      items.push({
        type: 'generation',
        traceId,
        startTime: at,
        durationMs: Math.round(noisy(800, 400) * arm.latencyScale),
        provider: 'openai',
        model: 'gpt-4o',
        feature: 'support',
        prompt: { name: 'support-answer', version: '4', variant: arm.variant },
        usage: { input: Math.round(noisy(1000, 400) * arm.tokenScale), output: Math.round(noisy(200, 80) * arm.tokenScale) },
        ...(failed ? { status: 'error', errorClass: 'server', errorMessage: 'upstream failed' } : {}),
      });
      items.push({ type: 'score', id: `s-${traceId}`, traceId, name: 'helpfulness', value: Math.min(1, Math.max(0, noisy(arm.scoreMean, 0.3))), dataType: 'numeric', timestamp: at });
    }
  }
  // The same prompt in another feature, which the comparison leaves out.
  for (let i = 0; i < 20; i++) {
    items.push({ type: 'generation', traceId: hex(16), startTime: new Date(startMs + DAY + 10 * HOUR + i * 1000).toISOString(), durationMs: 100, provider: 'openai', model: 'gpt-4o', feature: 'drafts', prompt: { variant: 'B' }, usage: { input: 10, output: 1 } });
  }
  return items;
}

