import { describe, expect, it } from 'vitest';
import { leniestPath, pathReadings } from './normalise-target.js';

describe('leniestPath', () => {
  it.each([
    ['/payments/1', '/payments/1'],
    ['/public/../payments/1', '/payments/1'],
    ['/public/%2e%2e/payments/1', '/payments/1'],
    ['/public/./x', '/public/x'],
    ['//payments///1', '/payments/1'],
    ['/../../etc', '/etc'],
    ['/\\payments/transfer', '/payments/transfer'],
    ['/public\\..\\payments/1', '/payments/1'],
    ['/payments/', '/payments/'],
    ['/payments/x/..', '/payments/'],
    ['/', '/'],
    ['', '/'],
    ['payments/1', '/payments/1'],
    ['/public/..;/payments/1', '/payments/1'],
    ['/%70ayments/1', '/payments/1'],
    ['/public/..%2fpayments/1', '/payments/1'],
    ['/public/..%5cpayments/1', '/payments/1'],
    ['/payments;jsessionid=x/1', '/payments/1'],
  ])('matches %s as %s', (path, expected) => {
    expect(leniestPath(path)).toBe(expected);
  });
});

describe('pathReadings', () => {
  it('is the path alone when nothing in it reads differently anywhere', () => {
    expect(pathReadings('/payments/7/refunds')).toEqual(['/payments/7/refunds']);
  });

  it('keeps the path as sent beside every lenient reading of it', () => {
    const readings = pathReadings('/payments/x/%2e%2e/%2e%2e/public');
    expect(readings).toContain('/payments/x/%2e%2e/%2e%2e/public');
    expect(readings).toContain('/payments/x/../../public');
    expect(readings).toContain('/public');
  });

  it('reads merged slashes without dot resolution, as some upstreams do', () => {
    expect(pathReadings('//payments/x/../../public')).toEqual(
      expect.arrayContaining(['/payments/x/../../public', '/public', '//payments/x/../../public']),
    );
  });

  it('reads a backslash as a slash and drops ;params', () => {
    expect(pathReadings('/payments/x\\..\\..\\public')).toContain('/public');
    expect(pathReadings('/payments/x;/../../public')).toContain('/payments/x/../../public');
  });
});
