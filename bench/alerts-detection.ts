// Placeholder until notifications are wired: replaced below.
export async function detectionLatency(): Promise<{ verdict: { measured: number | null; met: boolean | null } }> {
  return { verdict: { measured: null, met: null } };
}
