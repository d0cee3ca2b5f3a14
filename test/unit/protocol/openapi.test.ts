import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminRouteList } from '../../../protocol/admin-api';
import { buildOpenApi, operationId } from '../../../protocol/admin-api/openapi';
import { OPENAPI_DOC_PATH, renderOpenApi } from '../../../scripts/gen-openapi';

interface Doc { paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; 'x-required-role': string }>>; components: { schemas: Record<string, unknown> } }

describe('OpenAPI document', () => {
  it('docs/openapi.json is up to date (run npm run gen:openapi)', () => {
    expect(readFileSync(OPENAPI_DOC_PATH, 'utf8')).toBe(renderOpenApi());
  });

  it('describes every declared route, and nothing else', () => {
    const doc = buildOpenApi('1.0.0') as unknown as Doc;
    const fromRoutes = adminRouteList.map((r) => `${r.method} /admin/v1${r.path}`).sort();
    const fromDoc = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(fromDoc).toEqual(fromRoutes);
  });

  it('has unique operation ids and resolvable schema refs', () => {
    const ids = adminRouteList.map(operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const doc = buildOpenApi('1.0.0') as unknown as Doc;
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const r of refs) expect(doc.components.schemas[r], r).toBeDefined();
  });

  it('marks operator routes and documents request bodies from the protocol schemas', () => {
    const doc = buildOpenApi('1.0.0') as unknown as Doc;
    expect(doc.paths['/admin/v1/connections/{id}/invoke']!.post!['x-required-role']).toBe('operator');
    expect(doc.paths['/admin/v1/channels']!.get!['x-required-role']).toBe('viewer');
    const create = doc.components.schemas.ChannelCreate as { required: string[]; properties: Record<string, unknown>; additionalProperties: unknown };
    expect(create.required).toEqual(expect.arrayContaining(['name', 'address']));
    expect(create.required).not.toContain('service');
    expect(create.additionalProperties).toBe(false);
    const patch = doc.components.schemas.ChannelPatch as { required?: string[]; properties: Record<string, { default?: unknown }> };
    expect(patch.required ?? []).toEqual([]);
    for (const [k, p] of Object.entries(patch.properties)) expect(p.default, `ChannelPatch.${k} has a default`).toBeUndefined();
  });
});
