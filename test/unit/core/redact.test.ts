// The configuration as the diagnostics export shows it (core/redact.ts): no secret survives,
// wherever it sits (top level, nested, in arrays, inside URLs), and nothing else is changed.
import { describe, expect, it } from 'vitest';
import { parseConfig, type WatchfloorConfig } from '../../../core/config.js';
import { redactConfig, REMOVED } from '../../../core/redact.js';

const USER_HASH = 'scrypt$16384$8$1$n-shINvYpL2f0phjO20zDA$d9s-ZJBGGemxobekjfhuJ00zaff2psFn37NCGgcNO6I';
const TOKEN_HASH = 'scrypt$16384$8$1$Qm9vS2V5c0FyZVNlY3JldA$ZmFrZS10b2tlbi1oYXNoLWZvci10ZXN0cy0xMjM0NTY3';
const PASSWORD = 'S3cret-broker-pw';
const URL_TOKEN = 'ws-token-0b9a8c7d';

function config(): WatchfloorConfig {
  const c = parseConfig({
    brokers: [`mqtts://wall:${PASSWORD}@mqtt-a.police.local:8883`, `wss://mqtt-b.police.local/mqtt?token=${URL_TOKEN}&x=1`],
    clientId: 'wall-7',
    username: 'wall',
    password: PASSWORD,
    tls: { ca: 'certs/ca.pem', cert: 'certs/wall.pem', key: 'certs/wall.key' },
    auth: {
      users: [
        { name: '张伟', role: 'dispatcher', passwordHash: USER_HASH },
        { name: 'li', role: 'viewer', passwordHash: USER_HASH.replace('n-sh', 'm-sh') },
      ],
      tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: TOKEN_HASH }],
    },
  });
  if (!c.ok) throw new Error(c.error);
  return c.value;
}

/** every string in a value, at any depth */
const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

describe('redactConfig', () => {
  it('removes broker passwords (field and URL), client keys, password and token hashes', () => {
    const out = redactConfig(config());
    const text = JSON.stringify(out);
    for (const secret of [PASSWORD, URL_TOKEN, USER_HASH, TOKEN_HASH, 'certs/wall.key', 'scrypt$']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({
      password: REMOVED,
      tls: { key: REMOVED, ca: 'certs/ca.pem', cert: 'certs/wall.pem' },
      auth: {
        users: [
          { name: '张伟', role: 'dispatcher', passwordHash: REMOVED },
          { name: 'li', role: 'viewer', passwordHash: REMOVED },
        ],
        tokens: [{ name: 'city-cad', role: 'dispatcher', tokenHash: REMOVED }],
      },
    });
    // what support needs stays: who, where, how
    expect(out).toMatchObject({ clientId: 'wall-7', username: 'wall', brokers: ['mqtts://mqtt-a.police.local:8883', expect.stringMatching(/^wss:\/\/mqtt-b\.police\.local\/mqtt\?token=/)] });
  });

  it('removes secret-named fields it does not know yet, nested and in arrays', () => {
    // a field added to the schema later (an encrypted password, a media server's API key) is removed by its name
    const future = { ...config(), media: { servers: [{ url: 'https://cam.local', apiKey: 'k-123456', login: { passphrase: 'pp-99', secret: { v: 'deep-1' } } }] }, cookies: ['c-77'], electron: { passwordEncrypted: 'enc-55', accessToken: 'at-66' } };
    const out = redactConfig(future as unknown as WatchfloorConfig);
    const all = strings(out).join('\n');
    for (const secret of ['k-123456', 'pp-99', 'deep-1', 'c-77', 'enc-55', 'at-66']) expect(all).not.toContain(secret);
    expect(out).toMatchObject({ media: { servers: [{ url: 'https://cam.local', apiKey: REMOVED, login: { passphrase: REMOVED, secret: REMOVED } }] }, cookies: REMOVED });
  });

  it('changes nothing else and leaves its argument alone', () => {
    const c = config();
    const before = JSON.stringify(c);
    const out = redactConfig(c);
    expect(JSON.stringify(c)).toBe(before);
    const { password: _p, tls: _t, auth: _a, brokers: _b, ...rest } = c;
    expect(out).toMatchObject(rest);
    expect(redactConfig(parseConfig({}).ok ? (parseConfig({}) as { value: WatchfloorConfig }).value : (undefined as never))).toEqual(JSON.parse(JSON.stringify((parseConfig({}) as { value: WatchfloorConfig }).value)));
  });
});
