import { TimeChart } from '../../components/Chart.tsx';
import { Section } from '../../components/States.tsx';
import { useQuery } from '../../hooks.ts';
import { averageSeries } from '../../lib/health.ts';
import { useTimeRange } from '../../time.ts';

// D3: the mean score on the traces of each feature and each model, hour by hour (day by day over
// long ranges).

export function QualityTrendSection() {
  const range = useTimeRange();
  const bucket = range.bucket === 'day' ? 'day' : 'hour';
  const byFeature = useQuery(range, { measures: 'score_avg', groupBy: 'feature', bucket, limit: '5000' });
  const byModel = useQuery(range, { measures: 'score_avg', groupBy: 'model', bucket, limit: '5000' }, byFeature);
  const noScores = (rows: { score_avg?: unknown }[]) => rows.every((r) => r.score_avg === null || r.score_avg === undefined);
  return (
    <>
      <h2 className="row-title">Quality over time</h2>
      <div className="grid">
        {(
          [
            ['feature', byFeature],
            ['model', byModel],
          ] as const
        ).map(([dim, state]) => (
          <Section key={dim} title={`Mean score by ${dim}`} state={state} testId={`quality-by-${dim}`} empty={(d) => noScores(d.rows)} emptyText="No scores in this range.">
            {(d) => {
              const s = averageSeries(d.rows, dim, 'score_avg');
              return <TimeChart times={s.times} series={s.series} format={(v) => v.toFixed(2)} sparse testId={`quality-by-${dim}-plot`} />;
            }}
          </Section>
        ))}
      </div>
    </>
  );
}
