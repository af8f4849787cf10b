import { get } from '../../api/client.ts';
import { HealthTable } from '../../components/HealthTable.tsx';
import { Section } from '../../components/States.tsx';
import { useAsync } from '../../hooks.ts';
import { useSearchParams } from '../../router.ts';
import { useTimeRange } from '../../time.ts';

// D4: health per feature or application (docs/quality.md#health-score).

export function HealthSection() {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const by = search.get('healthBy') === 'application' ? 'application' : 'feature';
  const health = useAsync(() => get('/api/v1/quality/health', { from: range.from, to: range.to, by }), [range.from, range.to, range.tick, by]);
  return (
    <div className="grid">
      <Section
        title={`Health by ${by}`}
        state={health}
        full
        testId="quality-health"
        empty={(d) => d.groups.length === 0}
        emptyText="No calls in this range."
        actions={
          <select aria-label="Health by" value={by} onChange={(e) => set({ healthBy: e.target.value === 'feature' ? null : e.target.value })}>
            <option value="feature">by feature</option>
            <option value="application">by application</option>
          </select>
        }
      >
        {(d) => (
          <>
            <HealthTable groups={d.groups} by={d.by} />
            <div className="muted small">
              0–100 from quality {Math.round(d.weights.quality * 100)}%, errors {Math.round(d.weights.errors * 100)}%, latency {Math.round(d.weights.latency * 100)}% and cost {Math.round(d.weights.cost * 100)}%; a
              component a group lacks is left out and the others count for more.
            </div>
          </>
        )}
      </Section>
    </div>
  );
}
