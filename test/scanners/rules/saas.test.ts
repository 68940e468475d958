import { describe, expect, it } from '@jest/globals';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import { builtinRules } from '../../../scanners/rules/index.js';
import { anyCase, assignment } from '../../../scanners/rules/assignment.js';

const all = compileRules(builtinRules);

/** `[ruleId, secret]` pairs reported by the full built-in set. */
function found(text: string): [string, string][] {
  return detect({ text, path: 'config.env' }, all).map((f) => [f.ruleId, f.secret]);
}

describe('assignment patterns', () => {
  it('match the name in any case but keep the value alphabet exact', () => {
    const pattern = assignment(String.raw`twilio[\w.-]{0,10}?token`, '[a-f0-9]{8}');
    expect(pattern.exec('TwIlIo_Auth_TOKEN=0fb9fcfa')?.groups?.['secret']).toBe('0fb9fcfa');
    expect(pattern.exec('"twilioToken": "0fb9fcfa"')?.groups?.['secret']).toBe('0fb9fcfa');
    expect(pattern.exec('TWILIO_TOKEN=0FB9FCFA')).toBeNull();
    // A longer value is not cut down to the expected length.
    expect(pattern.exec('TWILIO_TOKEN=0fb9fcfa12')).toBeNull();
  });

  it('leaves escapes and character classes alone', () => {
    expect(anyCase(String.raw`dd\w[A-Z]x`)).toBe(String.raw`[dD][dD]\w[A-Z][xX]`);
  });
});

describe('chat rules', () => {
  it('reports only the token part of a Slack incoming webhook', () => {
    const url = 'https://hooks.slack.com/services/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';
    expect(found(`SLACK_WEBHOOK=${url}`)).toEqual([['slack-incoming-webhook', '0sy0FlvqTWx0xKaoo6ImLFEv']]);
  });

  it('reports a Telegram token inside the Bot API URL without the bot prefix', () => {
    const text = 'GET https://api.telegram.org/bot762653433:AA4eyR7u8KCsYiWCdqROJnZRDijXj_owghx/getUpdates';
    expect(found(text)).toEqual([['telegram-bot-token', '762653433:AA4eyR7u8KCsYiWCdqROJnZRDijXj_owghx']]);
  });

  it('accepts a Discord bot token only when its first part encodes a numeric user id', () => {
    const real = 'MTE0ODM3MjYxMDk0NzI2NTUzNg.0H4B3w.THrAk8ZNDr8z7lcJHYFEK2NGrHWs0DDbrSSFGA';
    const fake = `${Buffer.from('abcdefghijklmnopqr').toString('base64url')}.0H4B3w.THrAk8ZNDr8z7lcJHYFEK2NGrHWs0DDbrSSFGA`;
    expect(found(`discord_token = "${real}"`)).toEqual([['discord-bot-token', real]]);
    expect(found(`discord_token = "${fake}"`).map(([id]) => id)).not.toContain('discord-bot-token');
  });

  it('reports the sig of a Teams workflow URL', () => {
    const text =
      'url: https://prod-07.westeurope.logic.azure.com:443/workflows/18222d4d296ef0159660a7c928312486/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S0gkwCQCPUjN_NR6M8wI4jxk-KoeSYTyhy9rFCh-QgB';
    expect(found(text)).toEqual([
      ['microsoft-teams-workflow-webhook', 'S0gkwCQCPUjN_NR6M8wI4jxk-KoeSYTyhy9rFCh-QgB'],
    ]);
  });
});

describe('payment rules', () => {
  it('never reports Stripe publishable keys', () => {
    const text = [
      'STRIPE_PUBLISHABLE_KEY=pk_live_51ZCFAiaDd4szSoue9gyFI6jNKU5ZiwWW10YJMvzeXSu4WZtB9mcqBhsltk0Lu2F17axwB',
      "const stripe = Stripe('pk_test_sdxnN5M4H2vli51Mdnco3Wwu');",
    ].join('\n');
    expect(detect({ text, path: 'app.js' }, all).filter((f) => f.provider === 'Stripe')).toEqual([]);
  });

  it('tells Stripe and Paystack secret keys apart by their body', () => {
    expect(found('KEY=sk_live_xzQ8ZAwmJ1eoqkB007cWmuBA')).toEqual([
      ['stripe-secret-key', 'sk_live_xzQ8ZAwmJ1eoqkB007cWmuBA'],
    ]);
    expect(found('KEY=sk_live_67b0561bc79ed127e0465ef552160effd268c04b')).toEqual([
      ['paystack-secret-key', 'sk_live_67b0561bc79ed127e0465ef552160effd268c04b'],
    ]);
    expect(found('KEY=sk_test_edfdecc2b60fb74b607cb013177e07af8d675a00').map(([id]) => id)).toEqual([
      'paystack-test-secret-key',
    ]);
  });

  it('does not take a Square application id for an access token', () => {
    expect(found('SQUARE_APPLICATION_ID=sq0idp-USAk3h9dxu7wnJgXAk7iZc')).toEqual([]);
  });
});

describe('messaging rules', () => {
  it('reports the Twilio auth token of an `AC…:token` pair and not the account SID', () => {
    const text =
      'curl -u ACffee33e0be9c5f7cf38f1048f4d25c76:0fb9fcfa41ef352f18ed0bc0ddf86c13 https://api.twilio.com/2010-04-01/Accounts.json';
    expect(found(text)).toContainEqual(['twilio-auth-token', '0fb9fcfa41ef352f18ed0bc0ddf86c13']);
    expect(found('TWILIO_ACCOUNT_SID=ACffee33e0be9c5f7cf38f1048f4d25c76')).toEqual([]);
  });
});

describe('AI rules', () => {
  it('attributes each OpenAI key format to exactly one rule', () => {
    const project =
      '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';
    const legacy = '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';
    expect(found(`OPENAI_API_KEY=${project}`)).toEqual([['openai-project-key', project]]);
    expect(found(`OPENAI_API_KEY=${legacy}`)).toEqual([['openai-api-key', legacy]]);
  });

  it('needs DeepSeek context for a bare sk- + 32 hex key', () => {
    expect(found('DEEPSEEK_API_KEY=sk-4ec4ecce7253ecda669574c7b84612bf')).toEqual([
      ['deepseek-api-key', 'sk-4ec4ecce7253ecda669574c7b84612bf'],
    ]);
    expect(found('session = "sk-4ec4ecce7253ecda669574c7b84612bf"').map(([id]) => id)).not.toContain(
      'deepseek-api-key',
    );
  });
});

describe('observability rules', () => {
  it('reports only the secret part of a legacy Sentry DSN and ignores modern DSNs', () => {
    const legacy =
      'SENTRY_DSN=https://070b026e000b9f5f699af61ecdbd43d9:74047089fe0d83f2a8fec5e9ef0eb5fe@sentry.io/1234567';
    expect(found(legacy)).toEqual([['sentry-dsn-secret', '74047089fe0d83f2a8fec5e9ef0eb5fe']]);
    expect(
      found('SENTRY_DSN=https://070b026e000b9f5f699af61ecdbd43d9@o450970.ingest.us.sentry.io/4509738'),
    ).toEqual([]);
  });

  it('requires Datadog context for a 32-hex API key', () => {
    expect(found('DD_API_KEY=878738525b7fe367b549b25d656703ce')).toEqual([
      ['datadog-api-key', '878738525b7fe367b549b25d656703ce'],
    ]);
    expect(found('checksum: 878738525b7fe367b549b25d656703ce').map(([id]) => id)).not.toContain(
      'datadog-api-key',
    );
  });
});

describe('productivity rules', () => {
  it('reports Dropbox long-lived tokens despite their run of A characters', () => {
    const token = 'zEHQfiQ82kNAAAAAAAAAAJMntg0GxPKrWmzGRxm9jOinl8u2vCOaRaUvq8GuSztP';
    expect(found(`DROPBOX_TOKEN=${token}`)).toEqual([['dropbox-long-lived-token', token]]);
  });

  it('reports an X bearer token whole, leading A run included', () => {
    const token =
      'AAAAAAAAAAAAAAAAAAAAALd9wAAAAAAAAQr9FdCcuFN%2FXcaSv4fgq3nQsA5CmPQgwiK0%3DnFzCQQqgWe4uauyGFYbPg0nWSSxVjVes3B';
    expect(found(`TWITTER_BEARER_TOKEN=${token}`)).toEqual([['twitter-bearer-token', token]]);
  });

  it('tells Mapbox secret tokens from public ones', () => {
    const sk = 'sk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImNseDhxMnY3azBiM3AxbXF6OXI0dDZ3ZnkifQ.KADf4s7iRG6-cJMvlX2daL';
    const pk = `pk.${sk.slice(3)}`;
    expect(found(`MAPBOX_DOWNLOADS_TOKEN=${sk}`)).toEqual([['mapbox-secret-token', sk]]);
    expect(found(`mapboxgl.accessToken = '${pk}';`).map(([id]) => id)).not.toContain('mapbox-secret-token');
  });
});
