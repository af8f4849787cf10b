// A provider's state from its error rate (the overview and the operations dashboard).
export function ProviderPill(props: { errorRate: number | null }) {
  const e = props.errorRate ?? 0;
  const tone = e > 0.1 ? 'bad' : e > 0.02 ? 'warn' : 'good';
  return (
    <span className={`pill ${tone}`} title="failing above 10% errors, degraded above 2%">
      {tone === 'good' ? 'healthy' : tone === 'warn' ? 'degraded' : 'failing'}
    </span>
  );
}
