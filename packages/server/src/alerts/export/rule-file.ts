// The Prometheus rule file format and a small typed builder for it (prometheus.ts writes Lookout's
// rules with it).

export type Severity = 'warning' | 'critical';
export const CATEGORIES = ['cost', 'performance', 'availability', 'quality', 'security'] as const;
export type Category = (typeof CATEGORIES)[number];
// A Prometheus duration as rules use it: 30s, 5m, 1h, 1d.
export type Duration = `${number}${'s' | 'm' | 'h' | 'd'}`;

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: Duration;
  labels: { severity: Severity; category: Category } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: Duration;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RuleFile {
  groups: RuleGroup[];
}

// What docs/alerts.md tabulates for each alerting rule.
export interface AlertDoc {
  alert: string;
  severity: Severity;
  category: Category;
  for: Duration;
  summary: string; // the expression in words
  threshold: string;
  seed: string; // where it comes from
}

export interface AlertSpec extends AlertDoc {
  expr: string;
  title: string; // the summary annotation
  description: string; // the description annotation (may use {{ $value }} and {{ $labels.x }})
  anchor?: string; // runbook anchor; the lower-cased alert name by default
}

export function isAlertingRule(rule: RecordingRule | AlertingRule): rule is AlertingRule {
  return 'alert' in rule;
}

export function runbookUrl(base: string, anchor: string): string {
  return `${base}#${anchor}`;
}

// A small typed builder: groups of recording rules and alerts, rendered to the rule file format.
export class RuleFileBuilder {
  private readonly groups: RuleGroup[] = [];
  private readonly docs: AlertDoc[] = [];
  private readonly runbookBase: string;
  private current: RuleGroup | undefined;

  constructor(options: { runbookBase: string }) {
    this.runbookBase = options.runbookBase;
  }

  group(name: string, interval?: Duration): this {
    if (this.groups.some((g) => g.name === name)) throw new Error(`duplicate rule group ${name}`);
    this.current = interval === undefined ? { name, rules: [] } : { name, interval, rules: [] };
    this.groups.push(this.current);
    return this;
  }

  record(record: string, expr: string): this {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(record)) throw new Error(`invalid metric name for a recording rule: ${record}`);
    this.target().rules.push({ record, expr });
    return this;
  }

  alert(spec: AlertSpec): this {
    this.target().rules.push({
      alert: spec.alert,
      expr: spec.expr,
      for: spec.for,
      labels: { severity: spec.severity, category: spec.category },
      annotations: {
        summary: spec.title,
        description: spec.description,
        runbook_url: runbookUrl(this.runbookBase, spec.anchor ?? spec.alert.toLowerCase()),
      },
    });
    this.docs.push({ alert: spec.alert, severity: spec.severity, category: spec.category, for: spec.for, summary: spec.summary, threshold: spec.threshold, seed: spec.seed });
    return this;
  }

  build(): RuleFile {
    return { groups: this.groups };
  }

  alertDocs(): AlertDoc[] {
    return [...this.docs];
  }

  private target(): RuleGroup {
    if (!this.current) throw new Error('call group() before adding rules');
    return this.current;
  }
}
