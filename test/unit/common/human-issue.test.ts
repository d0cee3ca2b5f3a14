import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { humanIssue, pathWords } from '../../../common/human-issue';

const first = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return r.error.issues[0]!;
};

describe('humanIssue', () => {
  it('names the field and the unit for number bounds', () => {
    expect(humanIssue(first(z.number().int().min(1), 0), { label: 'Ping interval', unit: 'second' })).toBe('Ping interval must be at least 1 second');
    expect(humanIssue(first(z.number().min(5), 2), { label: 'Login wait', unit: 'second' })).toBe('Login wait must be at least 5 seconds');
    expect(humanIssue(first(z.number().max(1024), 5000), { label: 'Max message size', unit: 'byte' })).toBe('Max message size must be at most 1,024 bytes');
    expect(humanIssue(first(z.number().positive(), 0), { label: 'Missed pings' })).toBe('Missed pings must be more than 0');
  });

  it('says what kind of value is wanted', () => {
    expect(humanIssue(first(z.number(), Number('abc')), { label: 'Session TTL' })).toBe('Session TTL must be a number');
    expect(humanIssue(first(z.number().int(), 1.5), { label: 'Session TTL' })).toBe('Session TTL must be a whole number');
    expect(humanIssue(first(z.enum(['reject', 'replace']), 'x'), { label: 'Duplicate login' })).toBe('Duplicate login must be one of “reject”, “replace”');
    expect(humanIssue(first(z.object({}).strict(), { extra: 1 }), { label: 'Entry' })).toBe('Entry has an unknown field: extra');
  });

  it('strings and lists: required, lengths, entries', () => {
    expect(humanIssue(first(z.string().min(1), ''), { label: 'Name' })).toBe('Name is required');
    expect(humanIssue(first(z.string().max(3), 'abcd'), { label: 'Name' })).toBe('Name must be at most 3 characters');
    expect(humanIssue(first(z.array(z.string()).min(2), ['a']), { label: 'Servers' })).toBe('Servers needs at least 2 entries');
  });

  it('keeps a message the schema wrote, after the label', () => {
    expect(humanIssue(first(z.string().min(16, 'admin tokens are at least 16 characters'), 'short'), { label: 'Token' })).toBe('Token: admin tokens are at least 16 characters');
    expect(humanIssue(first(z.string().refine(() => false, 'expected ws:// or wss://'), 'x'), { label: 'Address' })).toBe('Address: expected ws:// or wss://');
  });

  it('writes paths as a reader would', () => {
    expect(pathWords(['entries', 3, 'direction'], 'entry')).toBe('entries[3].direction');
    expect(pathWords([], 'entry')).toBe('entry');
  });
});
