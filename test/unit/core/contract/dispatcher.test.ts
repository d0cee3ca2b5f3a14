import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, missingHandlers } from '../../../../main/core/contract/dispatcher';
import { createConsoleCore } from '../../../../main/core/console-core';
import { MemorySecretStore } from '../../../../main/core/storage/secret-store';
import { ConsoleError } from '../../../../main/core/contract/errors';
import { ErrorCode } from '../../../../protocol/errors';
import { clusterCalls } from '../../../../protocol/console/clusters';

const calls = {
  echo: { input: z.object({ n: z.number().int().min(1), pad: z.string().default('-') }).strict(), output: z.object({ n: z.number(), pad: z.string() }) },
  broken: { input: z.object({}).strict().default({}), output: z.object({ ok: z.literal(true) }) },
  refuses: { input: z.object({}).strict().default({}), output: z.object({}) },
};

describe('dispatcher', () => {
  const dispatch = createDispatcher(calls, {
    echo: async (i: { n: number; pad: string }) => i,
    broken: async () => ({ ok: 'yes' }),
    refuses: async () => {
      throw ConsoleError.of(ErrorCode.Conflict, 'taken', { field: 'name' });
    },
  });

  it('parses input (defaults applied) and returns the value', async () => {
    expect(await dispatch('echo', { n: 2 })).toEqual({ ok: true, value: { n: 2, pad: '-' } });
  });

  it('names the offending field of bad input and never calls the handler', async () => {
    const res = await dispatch('echo', { n: 0 });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatchObject({ code: ErrorCode.Validation, field: 'n' });
    const extra = await dispatch('echo', { n: 1, evil: true });
    expect(extra.ok).toBe(false);
  });

  it('rejects unknown and prototype call names', async () => {
    for (const m of ['nope', '__proto__', 'constructor', 'toString']) {
      const res = await dispatch(m, {});
      expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.BadRequest, field: 'method' } });
    }
  });

  it('turns a ConsoleError into its ErrorInfo', async () => {
    expect(await dispatch('refuses', undefined)).toEqual({ ok: false, error: { code: ErrorCode.Conflict, message: 'taken', field: 'name' } });
  });

  it('validates outputs: a core bug is an internal error, not a malformed value', async () => {
    const res = await dispatch('broken', {});
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.Internal } });
  });

  it('fails only the call whose handler is missing, and reports it', async () => {
    const d = createDispatcher(clusterCalls, {});
    expect(await d('clusters.list', {})).toMatchObject({ ok: false, error: { code: ErrorCode.Internal } });
    expect(missingHandlers(clusterCalls, {})).toContain('clusters.list');
  });

  it('the real core implements every contract call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-disp-'));
    const core = await createConsoleCore({ dataDir: dir, secrets: new MemorySecretStore(), host: 'web', version: 't' });
    try {
      expect(core.missingHandlers).toEqual([]);
    } finally {
      await core.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
