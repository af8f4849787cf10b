import { ApiError, getText } from '../api/client.ts';
import { useAsync } from '../hooks.ts';
import { parsePrometheus, type PromMetrics } from './prometheus.ts';

// What /metrics gave this key: its metrics, or why the key may not read them.
export type MetricsView = { metrics: PromMetrics; refused: null } | { metrics: null; refused: string };

export async function fetchMetrics(): Promise<MetricsView> {
  try {
    return { metrics: parsePrometheus(await getText('/metrics')), refused: null };
  } catch (err) {
    // With metrics.requireKey, /metrics covers every project and answers only the instance's
    // operator: a key of another project is refused, which is not a fault to show as an error.
    if (err instanceof ApiError && err.status === 403) return { metrics: null, refused: err.message.replace(/^Not allowed: /, '') };
    throw err;
  }
}

// Re-read at every auto-refresh tick: these are the server's gauges now, not a range.
export function useMetrics(tick: number) {
  return useAsync(fetchMetrics, [tick]);
}
