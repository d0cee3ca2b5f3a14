import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { adminRouteList } from '../../../protocol/admin-api';
import { ClientFrameSchema } from '../../../protocol/client-frames';
import { consoleCalls, WebClientFrameSchema } from '../../../protocol/console/contract';
import { isStrictObject, objectSchemas } from '../../../protocol/schema-walk';
import { ServerConfigSchema } from '../../../server/config';

/**
 * Every schema that parses input from outside — the config file, admin API params/queries/bodies,
 * client frames, console calls, web host frames — refuses unknown keys, at every depth. A new input
 * schema that forgets `.strict()` fails here, so a misspelt key can never be silently ignored again.
 */
function inputSchemas(): [string, z.ZodType][] {
  const out: [string, z.ZodType][] = [['config file', ServerConfigSchema], ['client frames', ClientFrameSchema], ['web host frames', WebClientFrameSchema]];
  for (const r of adminRouteList) {
    if (r.params) out.push([`admin ${r.name} params`, r.params]);
    if (r.query) out.push([`admin ${r.name} query`, r.query]);
    if (r.body) out.push([`admin ${r.name} body`, r.body]);
  }
  for (const [name, def] of Object.entries(consoleCalls)) out.push([`console call ${name}`, def.input]);
  return out;
}

describe('input schemas', () => {
  it('are strict at every depth', () => {
    const loose: string[] = [];
    for (const [where, schema] of inputSchemas()) {
      for (const { path, schema: obj } of objectSchemas(schema)) {
        if (!isStrictObject(obj)) loose.push(`${where}${path ? ` at ${path}` : ''}`);
      }
    }
    expect(loose).toEqual([]);
  });

  it('the walk finds the nested objects (a schema with no objects would pass vacuously)', () => {
    const found = [...objectSchemas(ServerConfigSchema)].map((o) => o.path);
    expect(found).toEqual(expect.arrayContaining(['', 'admin', 'admin.tokens[]', 'channels[]', 'security[]', 'pubsub', 'pubsub.delivery']));
  });
});
