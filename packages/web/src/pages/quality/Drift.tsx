import { get } from '../../api/client.ts';
import type { RetrievalDrift } from '../../api/types.ts';
import { TimeChart } from '../../components/Chart.tsx';
import { PeriodChange } from '../../components/PeriodChange.tsx';
import { Section, Stat } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { count, pct } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { previousPeriod } from '../../lib/period.ts';
import { useSearchParams } from '../../router.ts';
import { useTimeRange } from '../../time.ts';
import { PSI_MODERATE, PSI_SIGNIFICANT } from '../../../../server/src/domain/drift.ts';

// D5: retrieval and embedding drift — how the top retrieval scores, the documents returned and
// embedding truncation moved over the range, and how far the score distribution shifted against
// the period before it (Population Stability Index, docs/quality.md).

// The value of the `feature` parameter for the spans without a feature.
const NO_FEATURE = '(none)';

type FeatureRow = RetrievalDrift['features'][number];

const score = (v: number | null) => (v === null ? '—' : v.toFixed(2));

function psiTone(psi: number | null): 'good' | 'warn' | 'bad' | undefined {
  if (psi === null) return undefined;
  return psi > PSI_SIGNIFICANT ? 'bad' : psi > PSI_MODERATE ? 'warn' : 'good';
}

function psiText(psi: number | null): string {
  if (psi === null) return 'no baseline';
  return psi > PSI_SIGNIFICANT ? 'significant shift' : psi > PSI_MODERATE ? 'moderate shift' : 'stable';
}

export function DriftSection() {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const feature = search.get('driftFeature');
  const drift = useAsync(
    () => get('/api/v1/quality/drift', { from: range.from, to: range.to, ...(feature ? { feature } : {}) }),
    [range.from, range.to, range.tick, feature],
  );
  // The baseline is the period of the same length right before the range (the API's default),
  // so the tiles' changes against it are their changes against the previous period.
  const previous = previousPeriod(range);
  const empty = (d: RetrievalDrift) => d.total.retrievals === 0 && d.total.embeddings === 0 && d.features.length === 0;
  return (
    <>
      <h2 className="row-title">Retrieval and embedding drift</h2>
      <div className="grid">
        <Section
          title="Top retrieval scores against the baseline"
          state={drift}
          full
          testId="drift-summary"
          empty={empty}
          emptyText="No retrieval or embedding spans in this range. Send retrieval spans with their document scores (docs/quality.md) to see drift."
          actions={
            <select aria-label="Drift feature" data-testid="drift-feature" value={feature ?? ''} onChange={(e) => set({ driftFeature: e.target.value || null })}>
              <option value="">All features</option>
              {(drift.data?.features ?? []).map((f) => (
                <option key={f.feature ?? NO_FEATURE} value={f.feature ?? NO_FEATURE}>
                  {f.feature ?? '(no feature)'}
                </option>
              ))}
              {feature !== null && !(drift.data?.features ?? []).some((f) => (f.feature ?? NO_FEATURE) === feature) && <option value={feature}>{feature}</option>}
            </select>
          }
        >
          {(d) => (
            <>
              <div className="stats">
                <Stat label="Score drift (PSI)" value={d.psi === null ? '—' : d.psi.toFixed(2)} sub={psiText(d.psi)} tone={psiTone(d.psi)} testId="drift-psi" />
                <Stat
                  label="Median top score"
                  value={score(d.total.topScore.p50)}
                  sub={`baseline ${score(d.baseline.topScore.p50)}`}
                  testId="drift-median"
                  change={<PeriodChange now={d.total.topScore.p50} before={d.baseline.topScore.p50} what={previous.what} better="up" testId="drift-median-change" />}
                />
                <Stat
                  label="Documents per retrieval"
                  value={d.total.documentsAvg === null ? '—' : d.total.documentsAvg.toFixed(1)}
                  sub={`baseline ${d.baseline.documentsAvg === null ? '—' : d.baseline.documentsAvg.toFixed(1)}`}
                  testId="drift-documents"
                  change={<PeriodChange now={d.total.documentsAvg} before={d.baseline.documentsAvg} what={previous.what} better="neither" testId="drift-documents-change" />}
                />
                <Stat
                  label="Embeddings truncated"
                  value={pct(d.total.truncationRate)}
                  sub={`${count(d.total.truncated)} of ${count(d.total.embeddings)}; baseline ${pct(d.baseline.truncationRate)}`}
                  tone={d.total.truncationRate !== null && d.total.truncationRate > 0.05 ? 'bad' : undefined}
                  testId="drift-truncation"
                  change={<PeriodChange now={d.total.truncationRate} before={d.baseline.truncationRate} what={previous.what} better="down" testId="drift-truncation-change" />}
                />
              </div>
              <p className="muted small">
                Baseline: {new Date(d.baseline.from).toISOString().slice(0, 16).replace('T', ' ')} to {new Date(d.baseline.to).toISOString().slice(0, 16).replace('T', ' ')} UTC, {count(d.baseline.retrievals)} retrievals.
              </p>
              <TimeChart
                testId="drift-scores"
                times={d.series.map((p) => Date.parse(p.time))}
                series={[
                  { label: 'p10', values: d.series.map((p) => p.topScore.p10) },
                  { label: 'median', values: d.series.map((p) => p.topScore.p50) },
                  { label: 'p90', values: d.series.map((p) => p.topScore.p90) },
                ]}
                format={(v) => v.toFixed(2)}
              />
            </>
          )}
        </Section>
        <Section title="Score drift per bucket (PSI)" state={drift} testId="drift-psi-series" empty={(d) => d.series.every((p) => p.psi === null)} emptyText="No bucket has enough scored retrievals (10) to compare with the baseline; try a longer range.">
          {(d) => <TimeChart kind="bars" times={d.series.map((p) => Date.parse(p.time))} series={[{ label: 'PSI', values: d.series.map((p) => p.psi) }]} format={(v) => v.toFixed(2)} />}
        </Section>
        <Section title="Embedding truncation" state={drift} testId="drift-truncation-series" empty={(d) => d.series.every((p) => p.truncationRate === null)} emptyText="No embedding calls whose truncation is known.">
          {(d) => <TimeChart times={d.series.map((p) => Date.parse(p.time))} series={[{ label: 'truncated', values: d.series.map((p) => p.truncationRate) }]} format={(v) => pct(v, 0)} />}
        </Section>
        <Section title="By feature" state={drift} full testId="drift-features" empty={(d) => d.features.length === 0} emptyText="No features with retrievals in this range.">
          {(d) => (
            <Table<FeatureRow>
              rows={d.features}
              rowKey={(f) => f.feature ?? NO_FEATURE}
              initialSort={{ key: 'retrievals', dir: 'desc' }}
              columns={[
                {
                  key: 'feature',
                  label: 'Feature',
                  render: (f) => (
                    <button className="link" onClick={() => set({ driftFeature: f.feature ?? NO_FEATURE })}>
                      {f.feature ?? '(no feature)'}
                    </button>
                  ),
                },
                { key: 'retrievals', label: 'Retrievals', align: 'right', render: (f) => count(f.retrievals) },
                { key: 'psi', label: 'Score drift (PSI)', align: 'right', render: (f) => <span className={`pill ${psiTone(f.psi) ?? ''}`}>{f.psi === null ? '—' : f.psi.toFixed(2)}</span> },
                { key: 'embeddings', label: 'Embeddings', align: 'right', render: (f) => count(f.embeddings) },
                { key: 'truncationRate', label: 'Truncated', align: 'right', render: (f) => pct(f.truncationRate) },
              ]}
            />
          )}
        </Section>
      </div>
    </>
  );
}
