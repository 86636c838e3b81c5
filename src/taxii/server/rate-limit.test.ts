import { describe, expect, it } from 'vitest';
import { acceptsTaxii, isTaxiiContentType } from './media.js';
import { FailureLimiter } from './rate-limit.js';

describe('FailureLimiter', () => {
  it('blocks a key after maxFailures within the window, until the window ends', () => {
    let t = 0;
    const l = new FailureLimiter({ maxFailures: 3, windowMs: 10_000, maxKeys: 10 }, () => t);
    for (let i = 0; i < 2; i++) l.fail('ip:a');
    expect(l.retryAfter('ip:a')).toBe(0);
    l.fail('ip:a');
    expect(l.retryAfter('ip:a')).toBe(10);
    t = 4_500;
    expect(l.retryAfter('ip:a')).toBe(6);
    expect(l.retryAfter('ip:b')).toBe(0);
    t = 10_000;
    expect(l.retryAfter('ip:a')).toBe(0);
    l.fail('ip:a'); // a new window
    expect(l.retryAfter('ip:a')).toBe(0);
  });

  it('keeps at most maxKeys entries, whatever is thrown at it', () => {
    const l = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 100 }, () => 0);
    for (let i = 0; i < 10_000; i++) l.fail(`ip:${i}`);
    expect(l.size).toBe(100);
    expect(l.retryAfter('ip:9999')).toBe(60);
    expect(l.retryAfter('ip:0')).toBe(0); // the oldest went first
  });

  it('attempts in flight count against the budget until they end; nothing stays behind', () => {
    const l = new FailureLimiter({ maxFailures: 3, windowMs: 60_000, maxKeys: 10 }, () => 0);
    l.fail('ip:a');
    l.begin('ip:a');
    expect(l.retryAfter('ip:a')).toBe(0);
    l.begin('ip:a');
    expect(l.retryAfter('ip:a')).toBe(1); // 1 failure + 2 being checked
    l.end('ip:a');
    expect(l.retryAfter('ip:a')).toBe(0);
    l.end('ip:a');
    l.end('ip:a'); // one end too many changes nothing
    expect(l.inFlight).toBe(0);
    for (let i = 0; i < 3; i++) l.begin('ip:b');
    expect(l.retryAfter('ip:b')).toBe(1);
    for (let i = 0; i < 3; i++) l.end('ip:b');
    expect(l.retryAfter('ip:b')).toBe(0);
    expect(l.inFlight).toBe(0);
  });

  it('clear forgets a key', () => {
    const l = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 10 }, () => 0);
    l.fail('user:x');
    expect(l.retryAfter('user:x')).toBeGreaterThan(0);
    l.clear('user:x');
    expect(l.retryAfter('user:x')).toBe(0);
  });
});

describe('TAXII media types', () => {
  it('Accept: TAXII 2.1, its wildcards or nothing; not another version or type', () => {
    for (const a of [
      undefined,
      '',
      '*/*',
      'application/*',
      'application/taxii+json',
      'application/taxii+json;version=2.1',
      'application/taxii+json; version="2.1"',
      'text/html, application/taxii+json;version=2.1;q=0.9',
      'Application/TAXII+JSON; Version=2.1',
      '*/*;q=0, application/taxii+json',
      'application/taxii+json;q=0, application/taxii+json;version=2.1',
      'application/taxii+json;q=abc',
    ])
      expect(acceptsTaxii(a), String(a)).toBe(true);
    for (const a of [
      'application/json',
      'application/taxii+json;version=2.0',
      'application/stix+json;version=2.1',
      'application/taxii+json;version=2.1;q=0',
      'application/taxii+json;q=0, */*',
      'application/taxii+json;version=2.1;q=0, application/*',
      '*/*;q=0',
      ';;;,,,',
    ])
      expect(acceptsTaxii(a), a).toBe(false);
  });

  it('Content-Type: TAXII 2.1 only', () => {
    expect(isTaxiiContentType('application/taxii+json;version=2.1')).toBe(true);
    expect(isTaxiiContentType('application/taxii+json; charset=utf-8; version=2.1')).toBe(true);
    expect(isTaxiiContentType('application/json')).toBe(false);
    expect(isTaxiiContentType('application/taxii+json;version=2.0')).toBe(false);
    expect(isTaxiiContentType(undefined)).toBe(false);
  });
});
