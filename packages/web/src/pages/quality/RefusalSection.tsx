import { BarList, TimeChart } from '../../components/Chart.tsx';
import { Section } from '../../components/States.tsx';
import { pct } from '../../format.ts';
import { useQuery } from '../../hooks.ts';
import { label, series } from '../../lib/rows.ts';
import { useTimeRange } from '../../time.ts';

// C5: how often the model refused to answer, over time and by feature.

export function RefusalSection() {
  const range = useTimeRange();
  const overTime = useQuery(range, { measures: 'refusal_rate', bucket: range.bucket });
  const byFeature = useQuery(range, { measures: 'refusal_rate', groupBy: 'feature', limit: '20' }, overTime);
  return (
    <>
      <h2 className="row-title">Refusals</h2>
      <div className="grid">
        <Section title="Refusal rate over time" state={overTime} testId="quality-refusals" empty={(d) => d.rows.every((r) => r.refusal_rate === null)} emptyText="No generations in this range.">
          {(d) => {
            const s = series(d, ['refusal_rate']);
            return <TimeChart times={s.times} series={[{ label: 'refusal rate', values: s.values.refusal_rate }]} format={(v) => pct(v)} />;
          }}
        </Section>
        <Section title="Refusal rate by feature" state={byFeature} empty={(d) => d.rows.every((r) => r.refusal_rate === null)} emptyText="No generations in this range.">
          {(d) => <BarList rows={d.rows.filter((r) => r.refusal_rate !== null).map((r) => ({ label: label(r.feature), value: Number(r.refusal_rate) }))} format={(v) => pct(v)} />}
        </Section>
      </div>
    </>
  );
}
