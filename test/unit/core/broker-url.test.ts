import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerConnection, redactUrl, redactUrlsIn } from '../../../core/broker-url.js';
import { parseConfig } from '../../../core/config.js';

describe('broker URLs', () => {
  it('takes credentials out of the URLs, percent-decoded, for the login', () => {
    const r = brokerConnection(['mqtt://wall:p%40ss%2Fw0rd@10.0.0.5:1883', 'mqtts://wall:p%40ss%2Fw0rd@10.0.0.6:8883']);
    expect(r).toEqual({ ok: true, value: { urls: ['mqtt://10.0.0.5:1883', 'mqtts://10.0.0.6:8883'], username: 'wall', password: 'p@ss/w0rd' } });
    // URLs without credentials keep the configured pair
    expect(brokerConnection(['mqtt://10.0.0.5:1883'], 'u', 'p')).toEqual({ ok: true, value: { urls: ['mqtt://10.0.0.5:1883'], username: 'u', password: 'p' } });
    // the same pair twice is fine
    expect(brokerConnection(['mqtt://u:p@a:1'], 'u', 'p').ok).toBe(true);
  });

  it('refuses credentials that disagree, without repeating them', () => {
    const two = brokerConnection(['mqtt://a:first-secret@h1:1883', 'mqtt://a:second-secret@h2:1883']);
    expect(two.ok).toBe(false);
    if (!two.ok) {
      expect(two.error).toContain('"username" and "password"');
      expect(two.error).not.toMatch(/first-secret|second-secret/);
    }
    const vsConfig = brokerConnection(['mqtt://a:url-secret@h1:1883'], 'b', 'config-secret');
    expect(vsConfig.ok).toBe(false);
    if (!vsConfig.ok) expect(vsConfig.error).not.toMatch(/url-secret|config-secret/);
    expect(parseConfig({ brokers: ['mqtt://a:x@h:1', 'mqtt://b:y@h:2'] }).ok).toBe(false);
  });

  it('shows URLs without userinfo and with secret-looking query values masked', () => {
    expect(redactUrl('mqtt://user:pass@host:1883')).toBe('mqtt://host:1883');
    expect(redactUrl('wss://host/mqtt?token=abc&client=wall&x-amz-signature=s')).toBe('wss://host/mqtt?token=***&client=wall&x-amz-signature=***');
    expect(redactUrl('not a url with a p4ssword')).toBe('(unparseable URL)');
    expect(redactUrlsIn('failed to reach mqtt://u:hunter2@h:1 (refused)')).toBe('failed to reach mqtt://h:1 (refused)');
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-zA-Z0-9!*()~_.-]{8,20}$/), fc.domain(), (user, pass, host) => {
        const shown = redactUrl(`mqtt://${user}:${pass}@${host}:1883`);
        expect(shown).not.toContain(pass);
        expect(shown).toContain(host);
      }),
    );
  });
});

describe('embedded broker configuration', () => {
  it('stays on loopback unless a login is configured', () => {
    expect(parseConfig({ embeddedBroker: { host: '0.0.0.0' } }).ok).toBe(false);
    expect(parseConfig({ embeddedBroker: { host: '0.0.0.0' }, username: 'wall', password: 'pw' }).ok).toBe(true);
    expect(parseConfig({ embeddedBroker: { host: '127.0.0.1' } }).ok).toBe(true);
    // an external broker list makes the embedded broker's host irrelevant
    expect(parseConfig({ brokers: ['mqtt://h:1'], embeddedBroker: { host: '0.0.0.0' } }).ok).toBe(true);
  });
});
