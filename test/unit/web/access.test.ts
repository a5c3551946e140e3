import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessPolicy, checkBridgeOrigin, checkHost, checkOrigin, parseHostPort, parseRequestTarget } from '../../../main/web/access.js';

const policy = accessPolicy(5170, ['wall.duty.local'], ['app://wall']);

describe('web shell access decisions', () => {
  it('answers to IP addresses, localhost and listed names on its own port only', () => {
    for (const ok of ['127.0.0.1:5170', 'localhost:5170', '[::1]:5170', '10.20.30.40:5170', 'wall.duty.local:5170', 'Wall.Duty.Local:5170', 'localhost.:5170', 'frames.localhost:5170']) expect(checkHost(ok, policy).ok, ok).toBe(true);
    for (const bad of [undefined, '', 'evil.example:5170', 'localhost.evil.example:5170', '127.0.0.1:5171', '127.0.0.1', 'wall.duty.local', 'user@127.0.0.1:5170', '127.0.0.1:5170/x', '[::1', 'a b:5170', 'evil.localhost:5170', 'x.frames.localhost:5170']) expect(checkHost(bad, policy).ok, String(bad)).toBe(false);
    // without a port a Host means 80
    expect(checkHost('localhost', accessPolicy(80)).ok).toBe(true);
  });

  it('takes an Origin only from the wall’s own pages; null and other sites never', () => {
    expect(checkOrigin(undefined, policy)).toEqual({ ok: true, value: null });
    for (const ok of ['http://127.0.0.1:5170', 'http://localhost:5170', 'http://wall.duty.local:5170', 'app://wall']) expect(checkOrigin(ok, policy).ok, ok).toBe(true);
    for (const bad of ['null', '', 'http://evil.example', 'http://127.0.0.1:5171', 'https://127.0.0.1', 'app://video', 'file://', 'http://localhost:5170/path', 'ws://localhost:5170']) expect(checkOrigin(bad, policy).ok, bad).toBe(false);
  });

  it('opens the bridge only to the page the request was made to', () => {
    const host = parseHostPort('127.0.0.1:5170')!;
    expect(checkBridgeOrigin('http://127.0.0.1:5170', host, policy).ok).toBe(true);
    expect(checkBridgeOrigin(undefined, host, policy).ok).toBe(true);
    expect(checkBridgeOrigin('http://localhost:5170', host, policy).ok).toBe(false);
    expect(checkBridgeOrigin('app://wall', host, policy).ok).toBe(false);
    expect(checkBridgeOrigin('null', host, policy).ok).toBe(false);
  });

  it('reads only origin-form request targets', () => {
    expect(parseRequestTarget('/api/health?x=1#f')).toEqual({ ok: true, value: { path: '/api/health', query: 'x=1' } });
    for (const bad of [undefined, '', '*', '//', '//evil.example/x', 'http://evil/x', '/a b', '/a\u0000', `/${'a'.repeat(5000)}`]) expect(parseRequestTarget(bad).ok, String(bad)).toBe(false);
  });

  it('never throws, whatever the headers', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }), fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }), (h, o) => {
        const host = checkHost(h, policy);
        checkOrigin(o, policy);
        parseRequestTarget(h);
        if (host.ok) checkBridgeOrigin(o, host.value, policy);
      }),
      { numRuns: 2000 },
    );
  });
});
