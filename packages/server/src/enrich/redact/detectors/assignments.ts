import type { Match } from './detector.ts';

// Credentials given as a key-value pair — `aws_secret_access_key = …`, "Password=…;",
// `"client_secret": "…"`, `DIGITALOCEAN_TOKEN=…` — found from each '=' or ':' and the name
// before it. One cheap pass over the text (those characters are rare in prose) instead of one
// search per key name; the value only is redacted.

interface AssignmentRule {
  detector: string;
  // The key, matched against the text that ends right before the '=' or ':' (quotes and spaces
  // after the key included).
  key: RegExp;
  colon: boolean; // whether `key: value` counts as well as `key = value`
  value: RegExp; // sticky, at the value's first character
  accept?(value: string): boolean;
}

const mixed = (v: string) => /\d/.test(v) && /\p{L}/u.test(v);
const NOT_PLACEHOLDER = /^(?:your|my|xxx|example|placeholder|changeme|insert|replace|dummy|redacted)/i;

const RULES: AssignmentRule[] = [
  // secretlint-rule-aws: AWS secret access keys (40 base64 characters), under the names the
  // credentials file, Terraform and the SDKs use.
  {
    detector: 'secret:aws',
    key: /(?:secret_?access_?key|secret-access-key|secret_?key)["']?\s{0,5}$/i,
    colon: true,
    value: /[A-Za-z0-9/+]{38,40}={0,2}(?![A-Za-z0-9/+=])/y,
  },
  // Azure storage account keys and Service Bus / Event Hubs shared access keys in connection
  // strings ("AccountKey=…;").
  { detector: 'secret:azure', key: /(?:AccountKey|SharedAccessKey)$/, colon: false, value: /[A-Za-z0-9+/]{40,86}={0,2}/y },
  // secretlint-rule-database-connection-string covers the URL form (see connection strings);
  // this is the keyword form ("Server=…;Password=…;", "?user=…&password=…") and passwords in
  // config files, JSON and prose ("Passwort: …"). It must mix letters with digits or symbols,
  // so that "password: required" and placeholders are left.
  {
    detector: 'secret:password',
    key: /(?:password|passwd|\bpwd|passwort|mot de passe|contraseña|senha|wachtwoord|пароль)["']?\s{0,3}$/i,
    colon: true,
    value: /[^\s"'&;,<>]{6,200}/y,
    accept: (v) => /\p{L}/u.test(v) && /[\d\p{P}\p{S}]/u.test(v) && !/^(?:\$|\{|<|%|\*)|\($|\)$/.test(v) && !NOT_PLACEHOLDER.test(v),
  },
  // Any other credential under a name that says so ("client_secret": "…", api_key=…,
  // "access_token": …, aws_session_token = …, npm's _authToken=…): 16 or more token characters
  // mixing letters and digits.
  {
    detector: 'secret:generic',
    key: /(?:secret|api[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?token|refresh[_-]?token|session[_-]?token|security[_-]?token)["']?\s{0,3}$/i,
    colon: true,
    // Session tokens (AWS STS) run to a thousand characters and more.
    value: /[A-Za-z0-9_+/=.~-]{16,4000}/y,
    accept: (v) => mixed(v) && !NOT_PLACEHOLDER.test(v),
  },
  // … and environment variables named so ("DIGITALOCEAN_TOKEN=…", "-e SHOPIFY_SECRET=…").
  {
    detector: 'secret:generic',
    key: /\b[A-Z][A-Z0-9_]{0,60}(?:TOKEN|SECRET|_KEY|APIKEY|CREDENTIALS?)\s{0,3}$/,
    colon: false,
    value: /[A-Za-z0-9_+/=.~-]{16,4000}/y,
    accept: (v) => mixed(v) && !NOT_PLACEHOLDER.test(v),
  },
];

const OPERATOR = /[=:]/g;
const KEY_WINDOW_CHARS = 64;
const VALUE_START = /\s{0,3}["']?/y;

export function findAssignments(text: string, out: Match[]): void {
  OPERATOR.lastIndex = 0;
  for (let m = OPERATOR.exec(text); m !== null; m = OPERATOR.exec(text)) {
    const op = m.index;
    const colon = text[op] === ':';
    // "=>" (Ruby, PHP) is one operator; "==" and "://" are not assignments.
    let after = op + 1;
    if (!colon && text[after] === '>') after++;
    if (text[after] === '=' || (colon && text[after] === '/')) continue;
    VALUE_START.lastIndex = after;
    VALUE_START.exec(text);
    const valueStart = VALUE_START.lastIndex;
    let before: string | null = null;
    for (const rule of RULES) {
      if (colon && !rule.colon) continue;
      before ??= text.slice(Math.max(0, op - KEY_WINDOW_CHARS), op);
      if (!rule.key.test(before)) continue;
      rule.value.lastIndex = valueStart;
      const v = rule.value.exec(text);
      if (v === null || (rule.accept && !rule.accept(v[0]))) continue;
      out.push({ type: 'secret', detector: rule.detector, start: valueStart, end: valueStart + v[0].length });
      OPERATOR.lastIndex = valueStart + v[0].length;
      break;
    }
  }
}
