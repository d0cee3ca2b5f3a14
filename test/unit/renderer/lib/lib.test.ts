import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChannelCreateSchema, SecurityCreateSchema } from '../../../../protocol/admin-config';
import { formatClock, formatTime, relativeAge, timeTitle } from '../../../../renderer/src/lib/time';
import { parseList, parseNumber, serverFieldErrors, zodFieldErrors } from '../../../../renderer/src/lib/form-errors';

describe('time', () => {
  const iso = '2026-11-22T09:05:03.007Z';
  it('formats UTC with a visible UTC suffix and ms', () => {
    expect(formatTime(iso, 'utc')).toBe('2026-11-22 09:05:03.007 UTC');
    expect(formatClock(iso, 'utc')).toBe('09:05:03.007 UTC');
  });
  it('formats local time in the machine zone without suffix', () => {
    const d = new Date(iso);
    const expected = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:03.007`;
    expect(formatTime(iso, 'local')).toBe(expected);
  });
  it('handles missing and bad input', () => {
    expect(formatTime(null, 'utc')).toBe('—');
    expect(formatTime('nonsense', 'utc')).toBe('nonsense');
  });
  it('gives relative ages both ways and a full hover title', () => {
    const t = Date.parse(iso);
    expect(relativeAge(iso, t + 4_000)).toBe('4 s ago');
    expect(relativeAge(iso, t + 5 * 60_000)).toBe('5 min ago');
    expect(relativeAge(iso, t + 3 * 3_600_000)).toBe('3 h ago');
    expect(relativeAge(iso, t - 2 * 86_400_000)).toBe('in 2 d');
    expect(timeTitle(iso, t + 1000)).toContain(iso);
  });
});

describe('form errors', () => {
  it('maps zod issues to dotted field paths, first message wins', () => {
    const r = ChannelCreateSchema.safeParse({ name: '', address: 'http://x', tokenTtl: 0 });
    expect(r.success).toBe(false);
    const errs = zodFieldErrors((r as { error: z.ZodError }).error);
    expect(Object.keys(errs).sort()).toEqual(['address', 'name', 'tokenTtl']);
    // An empty required string reads "Required", not zod's generic "Too small…".
    const sec = SecurityCreateSchema.safeParse({ name: 'staff', type: 'basic', username: '', password: '' });
    expect(zodFieldErrors((sec as { error: z.ZodError }).error)).toMatchObject({ username: 'Required', password: 'Required' });
  });
  it('strips the call input wrapper from server fields', () => {
    expect(serverFieldErrors({ code: 'SB_ERR_VALIDATION', message: 'bad', field: 'channel.address' }, ['channel', 'patch'])).toEqual({ address: 'bad' });
    expect(serverFieldErrors({ code: 'SB_ERR_CHANNEL_EXISTS', message: 'exists' }, ['channel'])).toEqual({ _: 'exists' });
    expect(serverFieldErrors({ code: 'X', message: 'm', field: 'servers.0.url' })).toEqual({ 'servers.0.url': 'm' });
  });
  it('parses lists and numbers the way forms need', () => {
    expect(parseList(' a, b\nc,, ')).toEqual(['a', 'b', 'c']);
    expect(parseNumber(' ')).toBeUndefined();
    expect(parseNumber('12')).toBe(12);
    expect(Number.isNaN(parseNumber('x'))).toBe(true);
  });
});

describe('table prefs', () => {
  it('round-trips a valid layout and ignores junk', async () => {
    const { parsePrefs } = await import('../../../../renderer/src/lib/prefs');
    const p = { columns: ['clientId'], widths: { clientId: 200 }, sort: { key: 'msgsIn', dir: 'desc' }, filterField: 'channel' };
    expect(parsePrefs(JSON.stringify(p))).toEqual(p);
    expect(parsePrefs('{not json')).toBeNull();
    expect(parsePrefs(JSON.stringify({ ...p, sort: { key: 'password', dir: 'asc' } }))).toBeNull();
    expect(parsePrefs(null)).toBeNull();
  });
});
