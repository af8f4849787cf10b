import { useEffect, useRef, useState } from 'react';
import { del, errorText, get, put } from '../../api/client.ts';
import type { GatewayInjectionPolicy, PiiType, PrivacyAnswer, RedactionMode } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { useAsync } from '../../hooks.ts';
import { PrivacyTest } from './PrivacyTest.tsx';
import { draftOf, draftBody, PII_TYPES, patternRowOf, REDACTION_MODES, sameDraft, type PrivacyDraft } from './privacy.ts';

// What the project keeps of the personal data and secrets found in what it receives, and what the
// gateway does with a prompt injection (docs/privacy.md).

export const PII_TYPE_TEXT: Record<PiiType, { label: string; what: string }> = {
  email: { label: 'E-mail addresses', what: 'name@example.com' },
  phone: { label: 'Phone numbers', what: 'numbers valid in their country, international or national format' },
  credit_card: { label: 'Payment cards', what: 'card numbers that pass the Luhn check' },
  ssn: { label: 'US Social Security numbers', what: '123-45-6789' },
  national_id: { label: 'National ids', what: 'UK NINO, French NIR, Spanish DNI/NIE, Italian codice fiscale, Aadhaar, Dutch BSN, German tax id' },
  iban: { label: 'IBANs', what: 'bank account numbers with a valid checksum' },
  ip_address: { label: 'IP addresses', what: 'IPv4 and IPv6' },
  secret: { label: 'Secrets', what: 'provider API keys, tokens, JWTs, private keys, passwords in connection strings' },
  custom: { label: 'Your patterns', what: 'the patterns below' },
};

export const MODE_TEXT: Record<RedactionMode, string> = {
  mask: 'the value becomes [REDACTED:<type>], so the sentence stays readable',
  hash: 'the value becomes [<type>:<token>]: the same value gives the same token, so repeats stay visible; it cannot be reversed',
  drop: 'the whole text field that holds the value is not stored',
  keep: 'the value is stored as it came (still counted as found)',
};

const INJECTION_POLICIES: { value: GatewayInjectionPolicy; label: string; text: string }[] = [
  { value: 'detect', label: 'Detect', text: 'Record a security event and forward the call.' },
  { value: 'block', label: 'Block', text: "Answer high-severity injections with a 400 in the provider's error format, naming the rule; the call never reaches the provider." },
];

export function Privacy(props: { canWrite: boolean }) {
  const loaded = useAsync(() => get('/api/v1/privacy'), []);
  const [answer, setAnswer] = useState<PrivacyAnswer | null>(null);
  const [draft, setDraft] = useState<PrivacyDraft | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);
  const [patternError, setPatternError] = useState<{ row: number; text: string } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!loaded.data) return;
    setAnswer(loaded.data);
    setDraft(draftOf(loaded.data.settings));
  }, [loaded.data]);

  // Linked to as /settings#privacy (the Security page): scrolled to once it has drawn.
  useEffect(() => {
    if (draft && window.location.hash === '#privacy') box.current?.scrollIntoView();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft !== null]);

  const saved = answer ? draftOf(answer.settings) : null;
  const changed = draft !== null && saved !== null && !sameDraft(draft, saved);
  const disabled = !props.canWrite || busy;

  // A server message about one pattern goes under that pattern; true when it did.
  const markPattern = (text: string): boolean => {
    const row = draft ? patternRowOf(text, draft.custom) : null;
    if (row !== null) setPatternError({ row, text });
    return row !== null;
  };
  const showError = (err: unknown) => {
    const text = errorText(err);
    if (!markPattern(text)) setStatus({ text, bad: true });
  };

  const applied = (a: PrivacyAnswer, text: string) => {
    setAnswer(a);
    setDraft(draftOf(a.settings));
    setStatus({ text, bad: false });
  };

  const save = async () => {
    if (!draft) return;
    setBusy(true);
    setStatus(null);
    setPatternError(null);
    try {
      applied(await put('/api/v1/privacy', draftBody(draft)), 'Saved: these settings apply to everything this project receives from now on. Stored data keeps what it has.');
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (!window.confirm("Use the instance's default privacy settings for this project? Its own modes and patterns are removed.")) return;
    setBusy(true);
    setStatus(null);
    setPatternError(null);
    try {
      applied(await del('/api/v1/privacy'), "This project now uses the instance's defaults (the server's config file).");
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const edit = (change: (d: PrivacyDraft) => PrivacyDraft) => setDraft((d) => (d ? change(d) : d));
  const setMode = (type: PiiType, mode: RedactionMode) => edit((d) => ({ ...d, modes: { ...d.modes, [type]: mode } }));
  const setPattern = (row: number, field: 'name' | 'pattern', value: string) => {
    if (patternError?.row === row) setPatternError(null);
    edit((d) => ({ ...d, custom: d.custom.map((p, i) => (i === row ? { ...p, [field]: value } : p)) }));
  };
  const removePattern = (row: number) => {
    setPatternError(null);
    edit((d) => ({ ...d, custom: d.custom.filter((_, i) => i !== row) }));
  };

  return (
    <div className="settings-block" id="privacy" ref={box} data-testid="settings-privacy">
      <h2 className="row-title">Privacy</h2>
      <Section
        title="What this project keeps of personal data and secrets"
        state={{ ...loaded, data: draft }}
        testId="privacy-settings"
        actions={answer && <span className="pill" data-testid="privacy-origin">{answer.customised ? "this project's own settings" : 'instance defaults'}</span>}
      >
        {(d) => (
          <>
            {answer && !answer.redact && (
              <div className="notice bad" data-testid="privacy-redaction-off" role="status">
                Redaction is turned off for this whole Lookout instance (<code>privacy.redact: false</code> in its configuration): values are stored as they
                arrive, whatever is set below.
              </div>
            )}
            <p className="muted small settings-lead">
              Lookout looks for these values in every text it receives — prompts, responses, messages, tool calls, retrieved documents, log bodies, error messages,
              metadata and tags — on every path (SDK, OpenTelemetry, gateway), and applies the mode below <em>before</em> anything is written. Changes apply to
              what arrives from now on. Content capture (above) still decides whether text is kept at all.
            </p>
            <dl className="privacy-modes-legend small">
              {REDACTION_MODES.map((m) => (
                <div key={m}>
                  <dt>
                    <code>{m}</code>
                  </dt>
                  <dd className="muted">{MODE_TEXT[m]}</dd>
                </div>
              ))}
            </dl>
            <div className="table-wrap">
              <table className="privacy-modes" data-testid="privacy-modes">
                <thead>
                  <tr>
                    <th>Kind of value</th>
                    <th>What is found</th>
                    <th>Mode</th>
                  </tr>
                </thead>
                <tbody>
                  {PII_TYPES.map((t) => (
                    <tr key={t}>
                      <td>
                        <strong>{PII_TYPE_TEXT[t].label}</strong> <code className="muted">{t}</code>
                      </td>
                      <td className="muted small">{PII_TYPE_TEXT[t].what}</td>
                      <td>
                        <select
                          aria-label={`Mode for ${t}`}
                          value={d.modes[t]}
                          onChange={(e) => setMode(t, e.target.value as RedactionMode)}
                          disabled={disabled}
                          data-testid={`privacy-mode-${t}`}
                          className={d.modes[t] === 'keep' ? 'privacy-keep' : undefined}
                        >
                          {REDACTION_MODES.map((m) => (
                            <option key={m} value={m}>
                              {m}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>

            <h4 className="privacy-subtitle">Your patterns</h4>
            <p className="muted small settings-hint">
              Regular expressions in RE2 syntax (linear time: no backreferences or lookaround), found as type <code>custom</code> and named{' '}
              <code>custom:&lt;name&gt;</code> on events. Names: lowercase letters, digits and underscores.
            </p>
            <div className="privacy-patterns" data-testid="privacy-patterns">
              {d.custom.length === 0 && <div className="muted small">No patterns of your own.</div>}
              {d.custom.map((p, i) => (
                <div key={i} className="privacy-pattern" data-testid="privacy-pattern">
                  <div className="form-row">
                    <label>
                      Name
                      <input value={p.name} onChange={(e) => setPattern(i, 'name', e.target.value)} placeholder="order_ref" maxLength={40} disabled={disabled} data-testid="privacy-pattern-name" />
                    </label>
                    <label className="privacy-pattern-regex">
                      Pattern
                      <input
                        value={p.pattern}
                        onChange={(e) => setPattern(i, 'pattern', e.target.value)}
                        placeholder="ORD-[0-9]{8}"
                        maxLength={500}
                        spellCheck={false}
                        disabled={disabled}
                        className="mono"
                        data-testid="privacy-pattern-regex"
                      />
                    </label>
                    <button type="button" onClick={() => removePattern(i)} disabled={disabled} className="settings-row-action">
                      Remove
                    </button>
                  </div>
                  {patternError?.row === i && (
                    <div className="notice bad privacy-pattern-error" role="alert" data-testid="privacy-pattern-error">
                      {patternError.text}
                    </div>
                  )}
                </div>
              ))}
              <div>
                <button type="button" onClick={() => edit((x) => ({ ...x, custom: [...x.custom, { name: '', pattern: '' }] }))} disabled={disabled} data-testid="privacy-pattern-add">
                  Add a pattern
                </button>
              </div>
            </div>

            <h4 className="privacy-subtitle">Prompt injection at the gateway</h4>
            <fieldset className="settings-capture" disabled={disabled} aria-label="Gateway injection policy">
              {INJECTION_POLICIES.map((o) => (
                <label key={o.value} className={`settings-capture-option${d.gatewayInjection === o.value ? ' selected' : ''}`}>
                  <input
                    type="radio"
                    name="gatewayInjection"
                    value={o.value}
                    checked={d.gatewayInjection === o.value}
                    onChange={() => edit((x) => ({ ...x, gatewayInjection: o.value }))}
                    data-testid={`privacy-injection-${o.value}`}
                  />
                  <span>
                    <strong>{o.label}</strong> <code className="muted">{o.value}</code>
                    <br />
                    <span className="muted small">{o.text}</span>
                  </span>
                </label>
              ))}
            </fieldset>

            <div className="form-row privacy-actions">
              <button type="button" className="primary" onClick={() => void save()} disabled={disabled || !changed} data-testid="privacy-save">
                Save
              </button>
              {changed && (
                <button type="button" onClick={() => saved && setDraft(saved)} disabled={disabled}>
                  Undo changes
                </button>
              )}
              <button type="button" onClick={() => void reset()} disabled={disabled || !answer?.customised} data-testid="privacy-reset">
                Use instance defaults
              </button>
              {changed && <span className="muted small">Unsaved changes: the test below uses them.</span>}
            </div>
            {status && (
              <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="privacy-status" role="status">
                {status.text}
              </div>
            )}
            <p className="muted small">
              Config file: <code>privacy:</code> sets the instance's defaults (docs/privacy.md).
            </p>
          </>
        )}
      </Section>
      {draft && <PrivacyTest body={draftBody(draft)} onError={(text) => void markPattern(text)} />}
    </div>
  );
}
