import type { Category, Severity } from './rules/schema.ts';

// F3: one alert is one rule's condition for one group (one label set) in one project. Its
// fingerprint is stable across evaluations and restarts: a hash of the project and the labels.

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  fingerprint: string;
  projectId: string;
  ruleId: string;
  // alertname, severity, category, project, the rule's own labels and the group's dimensions.
  labels: Record<string, string> & { alertname: string; severity: Severity; category: Category; project: string };
  // summary, description, runbook_url, with {{ $value }} and {{ $labels.x }} filled in.
  annotations: Record<string, string>;
  state: AlertState;
  value: number | null; // the measured value at the last evaluation where the condition held
  threshold: number | null;
  activeSinceMs: number; // when the condition started to hold (pending since)
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  lastEvaluatedMs: number;
  // Ids of silences that match it now, and fingerprints of firing critical alerts that inhibit it.
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface AlertEvent {
  atMs: number;
  fingerprint: string;
  projectId: string;
  ruleId: string;
  labels: Alert['labels'];
  from: AlertState | null;
  to: AlertState;
  value: number | null;
}

// What the notification side is handed after every evaluation: every alert of every project
// that is firing now, or resolved within the last 15 minutes after having fired, with its silence
// and inhibition marks.
export interface AlertSink {
  update(alerts: readonly Alert[], nowMs: number): void;
}

export type { Category, Severity };
