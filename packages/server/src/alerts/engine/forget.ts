import type { AlertEvent } from '../types.ts';
import type { AlertConfigDoc, RuleHealth, StoredAlert } from './shared-state.ts';

// What the alert engine holds of one project, taken out when the project is deleted: its rules
// made through the API, on/off overrides, silences, alerts, rule health and history.

export function configWithoutProject(config: Omit<AlertConfigDoc, 'version'>, projectId: string): Omit<AlertConfigDoc, 'version'> {
  return {
    silences: config.silences.filter((s) => s.projectId !== projectId),
    apiRules: config.apiRules.filter((r) => r.projectId !== projectId),
    overrides: config.overrides.filter((o) => o.projectId !== projectId),
  };
}

export function forgetAlertsOf(projectId: string, alerts: Map<string, StoredAlert>, health: Map<string, RuleHealth>, history: AlertEvent[]): AlertEvent[] {
  for (const [fp, a] of alerts) if (a.projectId === projectId) alerts.delete(fp);
  const prefix = `${projectId}\u0000`;
  for (const key of health.keys()) if (key.startsWith(prefix)) health.delete(key);
  return history.filter((e) => e.projectId !== projectId);
}
