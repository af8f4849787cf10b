import type { Alert } from '../api/types.ts';

// The active alerts of a dashboard: firing before pending; a silenced alert says so.
export function AlertList(props: { alerts: Alert[] }) {
  const sorted = [...props.alerts].sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing'));
  return (
    <ul className="alert-list">
      {sorted.map((a) => (
        <li key={a.fingerprint} className={`sev-${a.labels.severity ?? 'info'}`}>
          <span className={`pill ${a.state === 'firing' ? 'bad' : 'warn'}`}>{a.state}</span> <strong>{a.labels.alertname}</strong>{' '}
          <span className="muted">{a.labels.severity}</span>
          {a.silencedBy && a.silencedBy.length > 0 && <span className="pill">silenced</span>}
          <div className="muted small">{a.annotations.summary}</div>
        </li>
      ))}
    </ul>
  );
}
