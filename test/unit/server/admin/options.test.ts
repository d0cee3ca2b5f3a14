import { describe, expect, it } from 'vitest';
import { validationError } from '../../../../protocol/errors';
import { AdminConfigSchema } from '../../../../server/admin/options';

const fieldOf = (input: unknown) => {
  const r = AdminConfigSchema.safeParse(input);
  return r.success ? null : validationError(r.error).field;
};

describe('AdminConfigSchema', () => {
  it('fills documented defaults', () => {
    expect(AdminConfigSchema.parse({})).toEqual({
      enabled: true, host: '127.0.0.1', port: 0, tokens: [], eventBatchMs: 100, maxBodyBytes: 1048576, maxEventBufferBytes: 4194304, eventsCloseTimeoutMs: 10000,
      authLimits: { enabled: true, maxFailures: 20, windowSeconds: 60, blockSeconds: 60, logIntervalSeconds: 60 },
      limits: { headersTimeoutMs: 10000, requestTimeoutMs: 30000, keepAliveTimeoutMs: 5000, maxConnections: 1024, maxConnectionsPerIp: 128 },
    });
  });

  it('rejects short tokens, bad roles, duplicate names and values, and misspelt options, naming the field', () => {
    expect(fieldOf({ tokens: [{ name: 'a', token: 'short', role: 'operator' }] })).toBe('tokens.0.token');
    expect(fieldOf({ tokens: [{ name: 'a', token: 'x'.repeat(16), role: 'admin' }] })).toBe('tokens.0.role');
    expect(fieldOf({ tokens: [{ name: 'a', token: 'x'.repeat(16), role: 'viewer' }, { name: 'a', token: 'y'.repeat(16), role: 'viewer' }] })).toBe('tokens.1.name');
    expect(fieldOf({ tokens: [{ name: 'a', token: 'x'.repeat(16), role: 'viewer' }, { name: 'b', token: 'x'.repeat(16), role: 'operator' }] })).toBe('tokens.1.token');
    expect(AdminConfigSchema.safeParse({ eventBatchMS: 5 }).success).toBe(false);
    expect(fieldOf({ port: 70000 })).toBe('port');
  });
});
