import { findAssignments } from './assignments.ts';
import { isWordChar, type Detector, type Match } from './detector.ts';

// Credentials: provider API keys, tokens, JWTs, private-key blocks, passwords in connection
// strings and Authorization headers (key-value pairs such as "Password=…" are in assignments.ts).
// The provider patterns follow the rules of secretlint's recommended preset
// (@secretlint/secretlint-rule-preset-recommend, v12), the maintained reference for these
// formats; the rule each one follows is named beside it. That library itself is not called: it is
// asynchronous, built for files, and costs ~300 µs per clean 2 KB text, several times the whole
// redactor's cost. Where secretlint insists on a full-length real key (e.g. OpenAI's
// "T3BlbkFJ" marker) the patterns below accept any key of the documented shape: a pasted key cut
// short or of an older format must still not be stored.
//
// Every pattern is a prefix, then one bounded character class: no nested quantifiers, linear.

interface SecretRule {
  detector: string;
  // Substrings one of which a text must contain for the rule to run (see ANY_PREFIX); none: it
  // runs on every text.
  prefixes: string[];
  pattern: RegExp; // global
  // The capture group that is the secret (the rest is context such as "Bearer "); 0: all of it.
  group?: number;
  accept?(value: string): boolean;
}

const mixed = (v: string) => /\d/.test(v) && /[A-Za-z]/.test(v);

function jwtHeaderHasAlg(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

const RULES: SecretRule[] = [
  // secretlint-rule-anthropic: sk-ant-api03-… (and admin keys)
  { detector: 'secret:anthropic', prefixes: ['sk-ant-'], pattern: /sk-ant-[A-Za-z0-9_-]{20,200}/g },
  // secretlint-rule-openai: sk-, sk-proj-, sk-svcacct-, sk-admin-
  {
    detector: 'secret:openai',
    prefixes: ['sk-'],
    pattern: /sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}/g,
    accept: mixed,
  },
  // secretlint-rule-aws: access key ids (AKIA… long-term, ASIA… temporary, and the other
  // IAM unique-id prefixes) …
  { detector: 'secret:aws', prefixes: ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'A3T'], pattern: /(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}/g },
  // secretlint-rule-gcp flags service-account JSON files for their private key, which the PEM
  // rule below finds (escaped newlines included; the private_key_id only names the key). API keys
  // follow Google's documented AIza… shape.
  { detector: 'secret:gcp', prefixes: ['AIza'], pattern: /AIza[0-9A-Za-z_-]{35}/g },
  // Google OAuth client secrets (GOCSPX-…), as in a downloaded client_secret.json.
  { detector: 'secret:gcp', prefixes: ['GOCSPX-'], pattern: /GOCSPX-[A-Za-z0-9_-]{20,60}/g },
  // secretlint-rule-github: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained tokens.
  { detector: 'secret:github', prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], pattern: /gh[pousr]_[A-Za-z0-9_]{30,255}/g },
  { detector: 'secret:github', prefixes: ['github_pat_'], pattern: /github_pat_[A-Za-z0-9_]{30,255}/g },
  // secretlint-rule-slack: bot/user/app/refresh tokens, and incoming webhooks.
  { detector: 'secret:slack', prefixes: ['xox', 'xapp-'], pattern: /(?:xox[abposr]|xapp)-[A-Za-z0-9-]{10,250}/g, accept: mixed },
  { detector: 'secret:slack', prefixes: ['hooks.slack.com'], pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,200}/g },
  // secretlint-rule-npm, -sendgrid, -huggingface, -groq, -gitlab: other keys pasted into prompts.
  { detector: 'secret:npm', prefixes: ['npm_'], pattern: /npm_[A-Za-z0-9]{36}/g },
  { detector: 'secret:sendgrid', prefixes: ['SG.'], pattern: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { detector: 'secret:huggingface', prefixes: ['hf_'], pattern: /hf_[A-Za-z]{34}/g },
  { detector: 'secret:groq', prefixes: ['gsk_'], pattern: /gsk_[A-Za-z0-9]{52}/g },
  { detector: 'secret:gitlab', prefixes: ['glpat-'], pattern: /glpat-[A-Za-z0-9_-]{20,128}/g },
  // The rest of secretlint's recommended preset: shopify, linear, notion, 1password,
  // hashicorp-vault, vercel, databricks, docker, figma, grafana.
  { detector: 'secret:shopify', prefixes: ['shppa_', 'shpca_', 'shpat_', 'shpss_'], pattern: /shp(?:pa|ca|at|ss)_[A-Za-z0-9]{32,64}/g },
  { detector: 'secret:linear', prefixes: ['lin_api_'], pattern: /lin_api_[A-Za-z0-9_]{32,128}/g },
  { detector: 'secret:notion', prefixes: ['ntn_'], pattern: /ntn_\d{11}[A-Za-z0-9]{35}/g },
  { detector: 'secret:1password', prefixes: ['ops_ey'], pattern: /ops_ey[A-Za-z0-9+/=]{100,1280}/g },
  { detector: 'secret:vault', prefixes: ['hvs.', 'hvb.', 'hvr.'], pattern: /hv[sbr]\.[A-Za-z0-9_-]{90,300}/g },
  { detector: 'secret:vercel', prefixes: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'], pattern: /vc[pcikr]_[A-Za-z0-9]{20,60}/g, accept: mixed },
  { detector: 'secret:databricks', prefixes: ['dapi'], pattern: /dapi[a-f0-9]{32}(?:-\d)?/g },
  { detector: 'secret:docker', prefixes: ['dckr_pat_'], pattern: /dckr_pat_[A-Za-z0-9_-]{27}/g },
  { detector: 'secret:figma', prefixes: ['figd_'], pattern: /figd_[A-Za-z0-9_-]{40,200}/g },
  { detector: 'secret:grafana', prefixes: ['glc_', 'glsa_'], pattern: /glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}/g },
  // DigitalOcean personal access tokens (documented dop_v1_ prefix; no secretlint rule).
  { detector: 'secret:digitalocean', prefixes: ['dop_v1_', 'doo_v1_', 'dor_v1_'], pattern: /do[por]_v1_[a-f0-9]{64}/g },
  // Telegram bot tokens ("123456789:AA…") and Discord bot tokens (three base64url parts, the first
  // the bot's id, starting M, N or O): documented shapes, no secretlint rule. A Discord token has no
  // fixed prefix, so its rule runs on every text (an uppercase letter is a cheap place to start).
  { detector: 'secret:telegram', prefixes: [':AA'], pattern: /\d{8,10}:AA[A-Za-z0-9_-]{33}/g },
  { detector: 'secret:discord', prefixes: [], pattern: /[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}/g, accept: mixed },
  // Stripe's documented secret and restricted keys (no secretlint rule; publishable pk_ keys are public).
  { detector: 'secret:stripe', prefixes: ['_live_', '_test_'], pattern: /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,250}/g },
  // JWT (RFC 7519): three base64url parts, the header a JSON object with "alg".
  {
    detector: 'secret:jwt',
    prefixes: ['eyJ'],
    pattern: /eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{0,2000}/g,
    accept: jwtHeaderHasAlg,
  },
  // secretlint-rule-basicauth and -database-connection-string: scheme://user:PASSWORD@host,
  // found by the code below (the password only).
  // `Authorization: Bearer <token>` (RFC 6750), the token only.
  {
    detector: 'secret:bearer',
    prefixes: ['earer', 'EARER'],
    pattern: /\bbearer\s{1,5}([A-Za-z0-9._~+/-]{8,4000}=*)/gi,
    group: 1,
    accept: mixed,
  },
];

// Passwords that are placeholders in documentation, not credentials.
const PLACEHOLDER_PASSWORDS = /^(?:password|passwd|pass|secret|changeme|\*+|x+|\.\.\.|<[^>]*>|\$\{[^}]*\}|\$[A-Z_]+|\{\{[^}]*\}\}|%[sv])$/i;
const MAX_USERINFO_CHARS = 300;

// scheme://user:password@host: the password, whatever the scheme (postgres, mysql, mongodb+srv,
// redis, amqp, https…). Parsed by hand from each "://" so the work stays linear.
function findConnectionPasswords(text: string, out: Match[]): void {
  let from = 0;
  for (;;) {
    const sep = text.indexOf('://', from);
    if (sep < 0) return;
    from = sep + 3;
    if (!/[A-Za-z0-9]/.test(text[sep - 1] ?? '')) continue;
    const limit = Math.min(text.length, from + MAX_USERINFO_CHARS);
    let colon = -1;
    let at = -1;
    for (let i = from; i < limit; i++) {
      const ch = text[i];
      if (ch === '@') at = i; // the last '@' before the host: passwords may hold an unencoded one
      else if (ch === ':' && colon < 0 && at < 0) colon = i;
      else if (ch === '/' || ch === '?' || ch === '#' || ch === ' ' || ch === '\n' || ch === '\t' || ch === '"' || ch === "'" || ch === '`' || ch === '<' || ch === '>') break;
    }
    if (colon < 0 || at < colon + 2) continue;
    const password = text.slice(colon + 1, at);
    if (PLACEHOLDER_PASSWORDS.test(password)) continue;
    out.push({ type: 'secret', detector: 'secret:connection_string', start: colon + 1, end: at });
    from = at + 1;
  }
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----/g;

// A whole private-key block, to its END line; a block cut off before its END line is redacted to
// the end of its base64 body.
function findPrivateKeys(text: string, out: Match[]): void {
  PEM_BEGIN.lastIndex = 0;
  // Once no END line follows, none follows a later BEGIN either: search for it once, not per block.
  let noEndAfter = text.length;
  for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) {
    const start = m.index;
    const from = start + m[0].length;
    const endMarker = from >= noEndAfter ? -1 : text.indexOf('-----END ', from);
    if (endMarker < 0) noEndAfter = Math.min(noEndAfter, from);
    let end: number;
    if (endMarker >= 0) {
      const close = text.indexOf('-----', endMarker + 9);
      end = close >= 0 ? close + 5 : text.length;
    } else {
      end = start + m[0].length;
      while (end < text.length && /[A-Za-z0-9+/=\s\\]/.test(text[end])) end++;
    }
    out.push({ type: 'secret', detector: 'secret:private_key', start, end });
    PEM_BEGIN.lastIndex = end;
  }
}

type Find = (text: string, out: Match[]) => void;

function ruleFinder(rule: SecretRule): Find {
  // With a group, the 'd' flag gives its offsets.
  const re = rule.group === undefined ? rule.pattern : new RegExp(rule.pattern.source, `${rule.pattern.flags}d`);
  return (text, out) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const [start, end] = rule.group === undefined ? [m.index, m.index + m[0].length] : m.indices![rule.group];
      if (rule.group === undefined && (isWordChar(text[m.index - 1]) || isWordChar(text[end]))) continue;
      if (rule.accept && !rule.accept(text.slice(start, end))) continue;
      out.push({ type: 'secret', detector: rule.detector, start, end });
    }
  };
}

const PARTS: { prefixes: string[]; find: Find }[] = [
  ...RULES.map((rule) => ({ prefixes: rule.prefixes, find: ruleFinder(rule) })),
  { prefixes: ['-----BEGIN'], find: findPrivateKeys },
  { prefixes: ['://'], find: findConnectionPasswords },
];
const PREFIXES = [...new Set(PARTS.flatMap((p) => p.prefixes))];
const PARTS_BY_PREFIX = new Map(PREFIXES.map((prefix) => [prefix, PARTS.filter((p) => p.prefixes.includes(prefix))]));

// Every prefix in one regex, as a trie ("gh(?:p_|o_|…)|g(?:sk_|lpat-)…"): one pass over the text
// says which rules have anything to look at. A flat alternation of the same words costs several
// times more, since each position is tried against every word.
type Trie = Map<string, Trie>;
function trieSource(words: string[]): string {
  const root: Trie = new Map();
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      if (!node.has(ch)) node.set(ch, new Map());
      node = node.get(ch)!;
    }
    node.set('', new Map());
  }
  const source = (node: Trie): string => {
    // A word ends here: the longer ones that continue it need not be told apart.
    if (node.has('')) return '';
    const alternatives = [...node.entries()].map(([ch, child]) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') + source(child));
    return alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`;
  };
  return source(root);
}
const ANY_PREFIX = new RegExp(trieSource(PREFIXES), 'g');

export const secretDetector: Detector = {
  gate: () => true,
  find(text, out: Match[]) {
    const present = new Set<(typeof PARTS)[number]>();
    ANY_PREFIX.lastIndex = 0;
    for (let m = ANY_PREFIX.exec(text); m !== null; m = ANY_PREFIX.exec(text)) {
      // The trie stops at the shortest word; every prefix that starts here counts, and another may
      // start inside this one.
      for (const prefix of PREFIXES) if (text.startsWith(prefix, m.index)) for (const p of PARTS_BY_PREFIX.get(prefix)!) present.add(p);
      ANY_PREFIX.lastIndex = m.index + 1;
    }
    for (const p of PARTS) if (p.prefixes.length === 0 || present.has(p)) p.find(text, out);
    // After the provider rules: on the same value, the provider's name is the one reported.
    findAssignments(text, out);
  },
};
