import { describe, expect, it } from 'vitest';
import { matchingPath } from './select-zone.js';

describe('matchingPath', () => {
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
    expect(matchingPath(path)).toBe(expected);
  });
});
