import type { ReactNode } from 'react';
import type { EvaluatorKind, HeuristicCriterion } from '../../../../server/src/domain/quality.ts';
import { CRITERIA_OF, CRITERION_TEXT, PARAM_FIELDS, PARAM_LABEL, withKind, type EvaluatorDraft, type ParamField } from './evaluators.ts';

// The create/edit form of one evaluator: what it judges (kind, criterion and the criterion's
// settings), on which calls (filter, sample rate), and for a judge, where it asks.

const PLACEHOLDER: Record<ParamField, string> = {
  minChars: '1',
  maxChars: '4000',
  pattern: 'ORD-[0-9]{8}',
  language: 'en',
  schema: '{ "type": "object", "required": ["answer"] }',
  maxLatencyMs: '5000',
  maxCostUsd: '0.05',
};

export function EvaluatorForm(props: {
  draft: EvaluatorDraft;
  onChange: (d: EvaluatorDraft) => void;
  disabled: boolean;
  // Whether the evaluator being edited already has an API key of its own.
  apiKeySet: boolean;
  actions: ReactNode;
}) {
  const d = props.draft;
  const set = <K extends keyof EvaluatorDraft>(key: K, value: EvaluatorDraft[K]) => props.onChange({ ...d, [key]: value });
  const setParam = (field: ParamField, value: string) => props.onChange({ ...d, params: { ...d.params, [field]: value } });
  const paramFields = d.kind === 'heuristic' ? (PARAM_FIELDS[d.criterion as HeuristicCriterion] ?? []) : [];

  return (
    <fieldset className="evaluator-form" disabled={props.disabled} data-testid="evaluator-form">
      <div className="form-row">
        <label>
          Name
          <input value={d.name} onChange={(e) => set('name', e.target.value)} placeholder="answer-not-empty" maxLength={64} data-testid="evaluator-name" />
        </label>
        <label>
          Kind
          <select value={d.kind} onChange={(e) => props.onChange(withKind(d, e.target.value as EvaluatorKind))} data-testid="evaluator-kind">
            <option value="heuristic">heuristic — cheap, runs at ingest</option>
            <option value="llm_judge">llm_judge — asks a judge model</option>
          </select>
        </label>
        <label>
          Criterion
          <select value={d.criterion} onChange={(e) => set('criterion', e.target.value)} data-testid="evaluator-criterion">
            {CRITERIA_OF[d.kind].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sample rate (0–1)
          <input
            value={d.sampleRate}
            onChange={(e) => set('sampleRate', e.target.value)}
            placeholder={d.kind === 'llm_judge' ? '0.01' : '1'}
            inputMode="decimal"
            className="evaluator-narrow"
            data-testid="evaluator-sample-rate"
          />
        </label>
        <label className="evaluator-check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} data-testid="evaluator-enabled" />
          Enabled
        </label>
      </div>
      <p className="muted small settings-hint">
        {CRITERION_TEXT[d.criterion] ?? ''}. Empty sample rate: {d.kind === 'llm_judge' ? '1% of traces (each costs a judge call)' : 'every trace'}; chosen by a hash of the trace id, so a trace
        is judged or not whichever node sees it.
      </p>

      <div className="form-row">
        {(['feature', 'model', 'application'] as const).map((k) => (
          <label key={k}>
            Only {k}
            <input value={d[k]} onChange={(e) => set(k, e.target.value)} placeholder="any" maxLength={256} data-testid={`evaluator-filter-${k}`} />
          </label>
        ))}
      </div>

      {paramFields.length > 0 && (
        <div className="form-row evaluator-params">
          {paramFields.map((field) =>
            field === 'schema' ? (
              <label key={field} className="evaluator-wide">
                {PARAM_LABEL[field]}
                <textarea value={d.params.schema} onChange={(e) => setParam(field, e.target.value)} placeholder={PLACEHOLDER[field]} rows={5} spellCheck={false} className="mono" data-testid="evaluator-param-schema" />
              </label>
            ) : (
              <label key={field} className={field === 'pattern' ? 'evaluator-wide' : undefined}>
                {PARAM_LABEL[field]}
                <input
                  value={d.params[field]}
                  onChange={(e) => setParam(field, e.target.value)}
                  placeholder={PLACEHOLDER[field]}
                  spellCheck={false}
                  className={field === 'pattern' ? 'mono' : undefined}
                  data-testid={`evaluator-param-${field}`}
                />
              </label>
            ),
          )}
          {d.criterion === 'regex' && (
            <label>
              The answer
              <select value={d.mustMatch ? 'match' : 'not'} onChange={(e) => set('mustMatch', e.target.value === 'match')} data-testid="evaluator-param-mustMatch">
                <option value="match">must match</option>
                <option value="not">must not match</option>
              </select>
            </label>
          )}
        </div>
      )}

      {d.kind === 'llm_judge' && (
        <>
          <div className="form-row">
            <label>
              Judge model
              <input value={d.judgeModel} onChange={(e) => set('judgeModel', e.target.value)} placeholder="LOOKOUT_JUDGE_MODEL" data-testid="evaluator-judge-model" />
            </label>
            <label className="evaluator-wide">
              Judge base URL
              <input value={d.judgeBaseUrl} onChange={(e) => set('judgeBaseUrl', e.target.value)} placeholder="LOOKOUT_JUDGE_BASE_URL" data-testid="evaluator-judge-base-url" />
            </label>
            <label>
              Judge API key
              <input
                type="password"
                value={d.judgeApiKey}
                onChange={(e) => props.onChange({ ...d, judgeApiKey: e.target.value, removeApiKey: false })}
                placeholder={props.apiKeySet ? 'set — type to replace' : 'LOOKOUT_JUDGE_API_KEY'}
                autoComplete="off"
                data-testid="evaluator-judge-api-key"
              />
            </label>
            {props.apiKeySet && (
              <label className="evaluator-check">
                <input type="checkbox" checked={d.removeApiKey} onChange={(e) => props.onChange({ ...d, removeApiKey: e.target.checked, judgeApiKey: '' })} />
                Remove its key
              </label>
            )}
          </div>
          <details className="evaluator-template" open={d.criterion === 'custom'}>
            <summary className="small">Template {d.criterion === 'custom' ? '(required for custom)' : '(optional: replaces the shipped one)'}</summary>
            <p className="muted small settings-hint">
              Placeholders: <code>{'{{input}}'}</code> <code>{'{{output}}'}</code> (required) <code>{'{{documents}}'}</code> <code>{'{{reference}}'}</code>{' '}
              <code>{'{{criterion}}'}</code>. The version is written in every score, so a changed template is told apart.
            </p>
            <div className="form-row">
              <label>
                Version
                <input value={d.templateVersion} onChange={(e) => set('templateVersion', e.target.value)} placeholder="1" className="evaluator-narrow" data-testid="evaluator-template-version" />
              </label>
            </div>
            <label className="evaluator-block">
              System
              <textarea value={d.templateSystem} onChange={(e) => set('templateSystem', e.target.value)} rows={2} data-testid="evaluator-template-system" />
            </label>
            <label className="evaluator-block">
              User
              <textarea value={d.templateUser} onChange={(e) => set('templateUser', e.target.value)} rows={4} placeholder="Is this answer polite? {{output}}" data-testid="evaluator-template-user" />
            </label>
          </details>
        </>
      )}
      <div className="form-row evaluator-actions">{props.actions}</div>
    </fieldset>
  );
}
