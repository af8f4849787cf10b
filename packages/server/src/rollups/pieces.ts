import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';

// The time pieces a range is read from: whole hours from hour cells, the rest from minute cells
// (or, where minute cells are gone, a fraction of the hour cell). Shared by every kind of cell.

export interface Piece {
  res: 'minute' | 'hour';
  index: number;
  fraction: number;
}

export function piecesOf(fromMs: number, toMs: number, minuteStartMs: number): Piece[] {
  const pieces: Piece[] = [];
  let t = fromMs;
  while (t < toMs) {
    const hour = Math.floor(t / HOUR_MS);
    const hourStart = hour * HOUR_MS;
    const hourEnd = hourStart + HOUR_MS;
    if (t === hourStart && hourEnd <= toMs) {
      pieces.push({ res: 'hour', index: hour, fraction: 1 });
      t = hourEnd;
      continue;
    }
    const end = Math.min(hourEnd, toMs);
    if (t >= minuteStartMs) {
      for (let m = Math.floor(t / MINUTE_MS); m * MINUTE_MS < end; m++) pieces.push({ res: 'minute', index: m, fraction: 1 });
    } else {
      pieces.push({ res: 'hour', index: hour, fraction: (end - t) / HOUR_MS });
    }
    t = end;
  }
  return pieces;
}
