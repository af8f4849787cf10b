// The current spend rate behind lookout_llm_cost_rate_usd_per_hour: the known cost of the calls
// that ended in the last window, per provider, scaled to an hour. Costs are kept in one slot per
// minute of the calls' end times, so memory is bounded by providers × slots however many calls
// arrive, and a batch of old calls loaded late (a backfill, a client's retry queue) does not show
// up as spending now.

import { nanoToUsd } from '../domain/money.ts';

export const COST_RATE_WINDOW_MS = 15 * 60_000;
const SLOT_MS = 60_000;
const SLOTS = COST_RATE_WINDOW_MS / SLOT_MS;
const HOUR_MS = 3_600_000;

interface ProviderSlots {
  // Nano-dollars per slot; slotStart[i] says which minute slot i holds (ring of SLOTS).
  nano: number[];
  slotStart: number[];
}

export class CostRateWindow {
  private readonly byProvider = new Map<string, ProviderSlots>();

  add(provider: string, endMs: number, nanoUsd: number, nowMs: number): void {
    // A call reported as ending in the future (a client's clock ahead) counts as ending now.
    const atMs = Math.min(endMs, nowMs);
    if (atMs <= nowMs - COST_RATE_WINDOW_MS) return;
    const start = Math.floor(atMs / SLOT_MS) * SLOT_MS;
    let p = this.byProvider.get(provider);
    if (!p) {
      p = { nano: new Array<number>(SLOTS).fill(0), slotStart: new Array<number>(SLOTS).fill(-1) };
      this.byProvider.set(provider, p);
    }
    const i = (start / SLOT_MS) % SLOTS;
    if (p.slotStart[i] !== start) {
      // The slot held an older minute, now outside the window.
      if (p.slotStart[i] > start) return;
      p.slotStart[i] = start;
      p.nano[i] = 0;
    }
    p.nano[i] += nanoUsd;
  }

  // USD per hour by provider. A provider that spent once keeps reporting (0 when idle), so an
  // alert on the gauge sees the drop rather than a series that vanished.
  ratesUsdPerHour(nowMs: number): Map<string, number> {
    const oldest = Math.floor((nowMs - COST_RATE_WINDOW_MS) / SLOT_MS) * SLOT_MS + SLOT_MS;
    const rates = new Map<string, number>();
    for (const [provider, p] of this.byProvider) {
      let nano = 0;
      for (let i = 0; i < SLOTS; i++) if (p.slotStart[i] >= oldest && p.slotStart[i] <= nowMs) nano += p.nano[i];
      rates.set(provider, nanoToUsd(nano) * (HOUR_MS / COST_RATE_WINDOW_MS));
    }
    return rates;
  }
}
