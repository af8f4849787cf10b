import { useEffect, useState } from 'react';
import { errorText, patch } from '../../api/client.ts';
import type { ContentCapture as Capture, Project } from '../../api/types.ts';

// What the project keeps of prompts and responses.

const CAPTURE_MODES: { value: Capture; label: string; keeps: string }[] = [
  { value: 'full', label: 'Full', keeps: 'Prompts and responses are stored with their hashes, personal data and secrets redacted as the privacy settings below say: you can read them on each call.' },
  { value: 'metadata', label: 'Metadata only', keeps: 'Only hashes of prompts and responses are kept, so duplicate prompts still show; the text is dropped.' },
  { value: 'off', label: 'Off', keeps: 'Neither text nor hashes are kept. GenAI event logs lose their message text too.' },
];

// A project the server has stored nothing for yet keeps everything, as the server does.
const captureOf = (p: Project): Capture => p.project.contentCapture ?? 'full';

export function ContentCapture(props: { project: Project; canWrite: boolean }) {
  const [current, setCurrent] = useState<Capture>(captureOf(props.project));
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);
  useEffect(() => setCurrent(captureOf(props.project)), [props.project.project.contentCapture]);

  const change = async (mode: Capture) => {
    if (mode === current) return;
    setBusy(true);
    setStatus(null);
    try {
      const { project } = await patch('/api/v1/project', { contentCapture: mode });
      setCurrent(project.contentCapture);
      setStatus({ text: `Saved: content capture is now "${project.contentCapture}" for calls received from now on.`, bad: false });
      // The app shell keeps its own copy of the project; this makes it fetch it again.
      window.dispatchEvent(new Event('lookout:auth'));
    } catch (err) {
      setStatus({ text: errorText(err), bad: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings-block">
      <h2 className="row-title">Content capture</h2>
      <section className="panel" data-testid="content-capture">
        <header>
          <h3>What this project keeps of prompts and responses</h3>
        </header>
        <p className="muted small settings-capture-lead">
          Applies to calls received from now on, on every ingest path (SDK, OpenTelemetry, gateway). Stored calls keep what they have.
        </p>
        <fieldset className="settings-capture" disabled={!props.canWrite || busy} aria-label="Content capture">
          {CAPTURE_MODES.map((m) => (
            <label key={m.value} className={`settings-capture-option${current === m.value ? ' selected' : ''}`}>
              <input type="radio" name="contentCapture" value={m.value} checked={current === m.value} onChange={() => void change(m.value)} data-testid={`capture-${m.value}`} />
              <span>
                <strong>{m.label}</strong> <code className="muted">{m.value}</code>
                <br />
                <span className="muted small">{m.keeps}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {status && (
          <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="capture-status" role="status">
            {status.text}
          </div>
        )}
        <p className="muted small">
          Command line: <code>npx lookout content-capture [full|metadata|off]</code>
        </p>
      </section>
    </div>
  );
}

