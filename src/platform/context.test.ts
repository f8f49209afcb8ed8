import { describe, expect, it } from 'vitest';
import { businessDate, fixedClock, systemContext, today } from './context.ts';

describe('businessDate', () => {
  it('is still 31 March at 23:30 in New York while UTC is already 1 April', () => {
    const at = new Date('2026-04-01T03:30:00Z'); // 23:30 EDT (UTC-4) on 31 March
    expect(businessDate(at, 'America/New_York')).toBe('2026-03-31');
    expect(businessDate(at, 'UTC')).toBe('2026-04-01');
  });

  it('is already the next day east of UTC', () => {
    expect(businessDate(new Date('2026-03-31T15:30:00Z'), 'Asia/Tokyo')).toBe('2026-04-01');
  });

  it('follows daylight saving time: the same UTC hour falls on different dates in winter and summer', () => {
    // 04:30 UTC is 23:30 EST (UTC-5) in January but 00:30 EDT (UTC-4) in July.
    expect(businessDate(new Date('2026-01-15T04:30:00Z'), 'America/New_York')).toBe('2026-01-14');
    expect(businessDate(new Date('2026-07-15T04:30:00Z'), 'America/New_York')).toBe('2026-07-15');
  });

  it('pads months and days and keeps four-digit years', () => {
    expect(businessDate(new Date('2026-01-05T12:00:00Z'), 'Europe/Berlin')).toBe('2026-01-05');
  });
});

describe('today', () => {
  it("takes the tenant's date from the injected clock, not the machine's", () => {
    const clock = fixedClock('2026-04-01T03:30:00Z');
    const ctx = systemContext('01900000-0000-7000-8000-000000000000', 'test', { timeZone: 'America/New_York', clock });
    expect(today(ctx)).toBe('2026-03-31');
    clock.advance(60 * 60 * 1000);
    expect(today(ctx)).toBe('2026-04-01');
  });
});
