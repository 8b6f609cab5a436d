import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedOrigins, isAllowedOrigin } from '../../runner/server/origin-check.ts';

describe('WebSocket origin check', () => {
  const loopback = allowedOrigins('127.0.0.1', 8080);

  it.each([
    'http://127.0.0.1:8080',
    'http://localhost:8080',
    'http://LOCALHOST:8080',
    'http://[::1]:8080',
  ])('allows the server itself and its loopback equivalents: %s', (origin) => {
    expect(isAllowedOrigin(origin, loopback)).toBe(true);
  });

  it.each([
    ['another site', 'http://evil.example:8080'],
    ['a DNS-rebinding name', 'http://rebind.attacker.test:8080'],
    ['another port on the same host', 'http://127.0.0.1:3000'],
    ['the default port', 'http://localhost'],
    ['a file page', 'file://'],
    ['the string null (sandboxed frames)', 'null'],
    ['garbage', 'not a url'],
    ['no Origin at all', undefined],
    ['an origin with a path', 'http://127.0.0.1:8080/labs/x'],
    ['a look-alike', 'http://127.0.0.1.evil.example:8080'],
  ])('refuses %s', (_what, origin) => {
    expect(isAllowedOrigin(origin, loopback)).toBe(false);
  });

  it('allows a specific listen address and port, not another', () => {
    const lan = allowedOrigins('192.0.2.10', 9000);
    expect(isAllowedOrigin('http://192.0.2.10:9000', lan)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:9000', lan)).toBe(true);
    expect(isAllowedOrigin('http://192.0.2.11:9000', lan)).toBe(false);
  });

  it("listening on every address allows this machine's own addresses, not arbitrary hosts", () => {
    const all = allowedOrigins('0.0.0.0', 8080);
    const own = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4');
    if (own) expect(isAllowedOrigin(`http://${own.address}:8080`, all)).toBe(true);
    expect(isAllowedOrigin('http://localhost:8080', all)).toBe(true);
    expect(isAllowedOrigin('http://evil.example:8080', all)).toBe(false);
    expect(isAllowedOrigin('http://203.0.113.99:8080', all)).toBe(false);
  });
});
