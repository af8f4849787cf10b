import type { HealthGroup } from '../api/types.ts';
import { ms, pct, usd } from '../format.ts';
import { componentText, healthTone } from '../lib/health.ts';
import { label } from '../lib/rows.ts';
import { hrefWithRange } from '../router.ts';
import { Link } from './Link.tsx';
import { Table } from './Table.tsx';

// Health per feature or application (GET /api/v1/quality/health), worst first: the score, and the
// four components it is made of with the figures behind them, so a low score says why.

export function HealthTable(props: { groups: HealthGroup[]; by: 'feature' | 'application'; testId?: string; compact?: boolean }) {
  const dimension = props.by === 'feature' ? 'Feature' : 'Application';
  return (
    <Table
      rows={props.groups}
      rowKey={(g) => String(g.key)}
      testId={props.testId}
      initialSort={{ key: 'health', dir: 'asc' }}
      columns={[
        {
          key: 'key',
          label: dimension,
          render: (g) => (props.by === 'feature' && g.key !== null ? <Link href={hrefWithRange('/traces', { feature: g.key })}>{g.key}</Link> : label(g.key)),
        },
        {
          key: 'health',
          label: 'Health',
          align: 'right',
          render: (g) => (
            <span className={`pill ${healthTone(g.health) ?? ''}`} data-testid="health-score">
              {g.health === null ? 'n/a' : g.health}
            </span>
          ),
        },
        { key: 'quality', label: 'Quality', align: 'right', sortValue: (g) => g.components.quality, render: (g) => (g.scoreAvg === null ? <span className="muted">no scores</span> : `${componentText(g.components.quality)} (${g.scoreAvg.toFixed(2)})`) },
        ...(props.compact
          ? []
          : [
              { key: 'latency', label: 'Latency', align: 'right' as const, sortValue: (g: HealthGroup) => g.components.latency, render: (g: HealthGroup) => `${componentText(g.components.latency)} (p95 ${ms(g.latencyP95Ms)} / ${ms(g.latencyTargetMs)})` },
              { key: 'errors', label: 'Errors', align: 'right' as const, sortValue: (g: HealthGroup) => g.components.errors, render: (g: HealthGroup) => `${componentText(g.components.errors)} (${pct(g.errorRate)})` },
              { key: 'cost', label: 'Cost', align: 'right' as const, sortValue: (g: HealthGroup) => g.components.cost, render: (g: HealthGroup) => `${componentText(g.components.cost)} (${usd(g.costPerRequestUsd)}/call)` },
            ]),
        { key: 'requests', label: 'Calls', align: 'right', render: (g) => g.requests.toLocaleString('en-US') },
      ]}
    />
  );
}
