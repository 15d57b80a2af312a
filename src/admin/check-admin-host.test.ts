import { describe, expect, it } from 'vitest';
import { isAllowedAdminHost } from './check-admin-host.js';

const none = new Set<string>();

describe('isAllowedAdminHost', () => {
  it('answers localhost and IP literals with or without a port', () => {
    for (const host of [
      'localhost',
      'LOCALHOST:9193',
      'localhost.',
      '127.0.0.1',
      '127.0.0.1:9193',
      '10.1.2.3:9193',
      '[::1]',
      '[::1]:9193',
    ]) {
      expect(isAllowedAdminHost(host, none), host).toBe(true);
    }
  });

  it('refuses a name that is not listed, which is what a DNS-rebinding page sends', () => {
    for (const host of [
      'evil.example',
      'evil.example:9193',
      'localhost.evil.example',
      '127.0.0.1.nip.io:9193',
    ]) {
      expect(isAllowedAdminHost(host, none), host).toBe(false);
    }
  });

  it('answers a name listed in admin.allowedHosts, whatever its case and port', () => {
    const allowed = new Set(['agent-authz.mesh.svc']);
    expect(isAllowedAdminHost('Agent-Authz.mesh.svc:9193', allowed)).toBe(true);
    expect(isAllowedAdminHost('other.mesh.svc:9193', allowed)).toBe(false);
  });

  it('refuses Host values that are not a host and port', () => {
    for (const host of [
      '',
      ':9193',
      'localhost:http',
      'localhost:9193:1',
      '[::1',
      '[::1]x',
      'a b',
    ]) {
      expect(isAllowedAdminHost(host, none), JSON.stringify(host)).toBe(false);
    }
  });

  it('passes a request without Host, which no browser sends', () => {
    expect(isAllowedAdminHost(undefined, none)).toBe(true);
  });
});
