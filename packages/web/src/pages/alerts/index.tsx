import { useMemo, useState } from 'react';
import { get } from '../../api/client.ts';
import type { PageProps } from '../../App.tsx';
import { useAsync } from '../../hooks.ts';
import { useSearchParams } from '../../router.ts';
import { useTimeRange } from '../../time.ts';
import { ActionsTab } from './ActionsTab.tsx';
import { FiringTab } from './FiringTab.tsx';
import { silenceMatchers } from './format.ts';
import { HistoryTab } from './HistoryTab.tsx';
import { RulesTab, type RuleDraft } from './RulesTab.tsx';
import { allows, needs, readOnlyNotice } from '../../lib/access.ts';
import { SilencesTab } from './SilencesTab.tsx';
import './Alerts.css';

// Alerts (docs/alerts.md), silences and the gateway's automated responses (docs/actions.md).
// Each tab is one address (?tab=...), so a link to "the silences" or "the rules" can be shared.

const TABS = ['firing', 'history', 'rules', 'silences', 'actions'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, string> = { firing: 'Firing (pending)', history: 'History', rules: 'Rules', silences: 'Silences', actions: 'Actions' };

export function Alerts(props: PageProps) {
  const [search, set] = useSearchParams();
  const raw = search.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(raw ?? '') ? (raw as Tab) : 'firing';
  const access = props.access;
  const admin = allows(access, 'admin');
  // A member creates and expires silences; rules and automated responses need an admin.
  const canSilence = allows(access, 'member');
  const adminNeeded = needs(access, 'admin', 'changing rules and automated responses');
  const silenceNeeded = needs(access, 'member', 'silencing alerts');
  const range = useTimeRange();
  // Matchers handed from a firing alert's "Silence" button to the silence form.
  const [prefill, setPrefill] = useState<{ matchers: string; nonce: number } | null>(null);
  const [ruleDraft, setRuleDraft] = useState<RuleDraft | null>(null);

  const alerts = useAsync(() => get('/api/v1/alerts', { state: tab === 'firing' ? (search.get('state') ?? undefined) : undefined }), [range.tick, tab, search.get('state')]);
  const rules = useAsync(() => get('/api/v1/alerts/rules'), [range.tick, tab]);
  const ruleById = useMemo(() => new Map((rules.data?.rules ?? []).map((v) => [v.rule.id, v.rule])), [rules.data]);

  const go = (t: Tab) => set({ tab: t === 'firing' ? null : t, state: null, rule: null });

  return (
    <div className="page alerts-page">
      <div className="alerts-tabs" role="tablist" data-testid="alerts-tabs">
        {TABS.map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} data-testid={`tab-${t}`} onClick={() => go(t)}>
            {TAB_LABEL[t]}
            {t === 'firing' && alerts.data && tab === 'firing' && !search.get('state') ? (
              <span className="alerts-count" title="firing (pending)">
                {alerts.data.alerts.filter((a) => a.state === 'firing').length}
                {alerts.data.alerts.some((a) => a.state !== 'firing') ? ` (${alerts.data.alerts.filter((a) => a.state !== 'firing').length})` : ''}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      {!admin && (
        <div className="notice" data-testid="alerts-read-only">
          {canSilence
            ? `Your role in project ${access.projectId} is member: you can create and expire silences. Changing rules and automated responses needs the admin role.`
            : readOnlyNotice(access, 'rules, silences and automated responses', 'member')}
        </div>
      )}
      {tab === 'firing' && (
        <FiringTab
          alerts={alerts}
          ruleById={ruleById}
          canSilence={canSilence}
          denied={silenceNeeded}
          state={search.get('state')}
          setState={(s) => set({ state: s })}
          onSilence={(a) => {
            setPrefill({ matchers: silenceMatchers(a.labels), nonce: Date.now() });
            go('silences');
          }}
        />
      )}
      {tab === 'history' && <HistoryTab ruleById={ruleById} rules={rules.data?.rules ?? []} />}
      {tab === 'rules' && (
        <RulesTab
          rules={rules}
          alerts={alerts.data?.alerts ?? null}
          admin={admin}
          denied={adminNeeded}
          draft={ruleDraft}
          setDraft={setRuleDraft}
        />
      )}
      {tab === 'silences' && <SilencesTab canWrite={canSilence} denied={silenceNeeded} author={props.me?.kind === 'user' ? (props.me.user?.email ?? null) : null} prefill={prefill} alerts={alerts.data?.alerts ?? []} tick={range.tick} />}
      {tab === 'actions' && <ActionsTab admin={admin} denied={adminNeeded} tick={range.tick} />}
    </div>
  );
}
