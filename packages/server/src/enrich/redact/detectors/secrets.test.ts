import { describe, expect, it } from 'vitest';
import { found } from './found.testing.ts';

const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const pemBody = `MIIEowIBAAKCAQEA${'q'.repeat(64)}\n${'Z'.repeat(64)}`;

describe('secret detectors', () => {
  it.each([
    ['OPENAI_API_KEY=sk-proj-abcDEF1234567890abcdefGHIJklmn', 'secret:openai sk-proj-abcDEF1234567890abcdefGHIJklmn'],
    ['key sk-abc123DEF456ghi789JKL012 works', 'secret:openai sk-abc123DEF456ghi789JKL012'],
    ['sk-ant-api03-abcdefghij1234567890ABCDEFGH-xyzAA', 'secret:anthropic sk-ant-api03-abcdefghij1234567890ABCDEFGH-xyzAA'],
    ['id AKIAIOSFODNN7EXAMPLE', 'secret:aws AKIAIOSFODNN7EXAMPLE'],
    ['temporary ASIACKQPG7QFTP5Y7JZL', 'secret:aws ASIACKQPG7QFTP5Y7JZL'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret:aws wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['  secret_key = "IKWn1BN6/KukHGePsAnydccfjqwZYE8jh770RPJP"', 'secret:aws IKWn1BN6/KukHGePsAnydccfjqwZYE8jh770RPJP'],
    ['maps key AIzaSyD-abcdefghijklmnopqrstuvwxyz12345', 'secret:gcp AIzaSyD-abcdefghijklmnopqrstuvwxyz12345'],
    ['GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'secret:github ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    [`pat github_pat_11ABCDEFG0${'a1'.repeat(36)}`, `secret:github github_pat_11ABCDEFG0${'a1'.repeat(36)}`],
    ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'secret:slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'secret:slack https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'secret:stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['rk_test_51H8abcdEFGH12345678', 'secret:stripe rk_test_51H8abcdEFGH12345678'],
    [`token ${jwt} end`, `secret:jwt ${jwt}`],
    ['DATABASE_URL=postgres://admin:s3cr3tP@ss@db.example.com:5432/app', 'secret:connection_string s3cr3tP@ss'],
    ['mongodb+srv://app:Zx81kq@cluster0.mongodb.net/db', 'secret:connection_string Zx81kq'],
    ['Server=tcp:db.example.net,1433;User ID=crm_app;Password=oVnTF9_gbncFJ8Y!40;Encrypt=True;', 'secret:password oVnTF9_gbncFJ8Y!40'],
    ['?user=billing_app&password=Winter8759QxtzlHf&ssl=true', 'secret:password Winter8759QxtzlHf'],
    ['Mein Passwort: Sommer2024!', 'secret:password Sommer2024!'],
    ['curl -H "Authorization: Bearer abc123def456ghi789"', 'secret:bearer abc123def456ghi789'],
    ['npmrc _authToken=npm_dOUrKpoiyCCFKvjz9pSCVdgHRFG52I79qQk6', 'secret:npm npm_dOUrKpoiyCCFKvjz9pSCVdgHRFG52I79qQk6'],
    ['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', 'secret:sendgrid 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'],
    ['HF_TOKEN=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', 'secret:huggingface 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'],
    ['-e SHOPIFY_TOKEN=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 img', 'secret:shopify 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'],
    [`VAULT_ADDR=x hvs.${'A1b2'.repeat(24)}`, `secret:vault hvs.${'A1b2'.repeat(24)}`],
    ['docker login -p dckr_pat_abcdefghijklmnopqrstuvwxyz0', 'secret:docker dckr_pat_abcdefghijklmnopqrstuvwxyz0'],
    [`DIGITALOCEAN_TOKEN=dop_v1_${'a1'.repeat(32)}`, `secret:digitalocean dop_v1_${'a1'.repeat(32)}`],
    ['"client_secret":"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"', 'secret:gcp 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'],
    [`AccountName=acme;AccountKey=${'f5w0sDX33hD8'.repeat(7)}ab==;EndpointSuffix=core.windows.net`, `secret:azure ${'f5w0sDX33hD8'.repeat(7)}ab==`],
    ['{"api_key": "a8f3k29dk3l0q9w8e7r6"}', 'secret:generic a8f3k29dk3l0q9w8e7r6'],
    ['export ACME_PROD_SECRET=Q2x9vLm4Tz8pR1sW7yKc', 'secret:generic Q2x9vLm4Tz8pR1sW7yKc'],
    ['bot = telebot.TeleBot("185684767:AA_8UJUjBmM5A2tx0Y0kEDNeVHHmSRG0NZZ")', 'secret:telegram 185684767:AA_8UJUjBmM5A2tx0Y0kEDNeVHHmSRG0NZZ'],
    ['client.run("MMSJeZiHFGnjE8DooJTNGmI3.1zs8iK.7kXqLZxL7naD4uc9qDvR_xz6zXi3HqPBLFflHY")', 'secret:discord MMSJeZiHFGnjE8DooJTNGmI3.1zs8iK.7kXqLZxL7naD4uc9qDvR_xz6zXi3HqPBLFflHY'],
    [`aws_session_token = FwoGZXIvYXdzEc0+${'OGXDeo9+io0Sir1u'.repeat(20)}`, `secret:generic FwoGZXIvYXdzEc0+${'OGXDeo9+io0Sir1u'.repeat(20)}`],
  ])('finds %j', (text, finding) => {
    expect(found(text)).toEqual([finding]);
  });

  it('redacts a whole private-key block, escaped newlines (JSON) included, up to its END line', () => {
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;
    expect(found(`key:\n${block}\nnext line`)).toEqual([`secret:private_key ${block}`]);
    const escaped = `-----BEGIN PRIVATE KEY-----\\n${pemBody.replace('\n', '\\n')}\\n-----END PRIVATE KEY-----\\n`;
    const json = `{"type": "service_account", "private_key": "${escaped}", "client_email": "x"}`;
    expect(found(json)).toEqual([`secret:private_key ${escaped.slice(0, -2)}`]);
  });

  it('redacts a private-key block cut off before its END line to the end of its body', () => {
    expect(found(`-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}`)).toEqual([`secret:private_key -----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}`]);
  });

  it.each([
    'Set OPENAI_API_KEY=sk-... (or "sk-proj-…") in your shell; never commit YOUR_API_KEY_HERE.',
    'the task-abcdefghijklmnopqrstuvwxyz123 id and risk-assessment-for-the-whole-team-2024',
    "Stripe('pk_live_51abcdefghijklmnopqrstuvwxyz0123456789')",
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----',
    'DATABASE_URL=postgres://localhost:5432/dev and https://example.com:8443/path?q=1',
    'postgres://user:password@localhost/db and redis://:${REDIS_PASSWORD}@cache:6379',
    'Authorization: Bearer $GITHUB_TOKEN',
    'password: required, passwords must be 12 characters',
    'password = getenv("DB_PASSWORD")',
    'a header eyJhbGciOiJub25lIn0 alone, and eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.c2ln (no alg)',
    'api_key: your-api-key-here-123456, SECRET_KEY=changeme1234567890, token: short1',
    'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 and sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ])('finds no secret in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('secret'))).toEqual([]);
  });
});
