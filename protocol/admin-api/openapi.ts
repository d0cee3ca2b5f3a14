import { z } from 'zod';
import { AdminEventFrameSchema } from '../admin-events';
import { ErrorBodySchema } from '../errors';
import { ADMIN_BASE_PATH, pathParamNames, type AdminRoute } from './define';
import { adminRouteList } from './index';

type Json = Record<string, unknown>;
type NamedRoute = AdminRoute & { name: string };

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input (SB_ERR_VALIDATION naming the field, or SB_ERR_BAD_REQUEST for malformed JSON or URL)',
  401: 'Missing or unknown token (SB_ERR_UNAUTHORIZED)',
  403: 'The token is a viewer and this route needs operator (SB_ERR_FORBIDDEN)',
  404: 'No such object (SB_ERR_*_NOT_FOUND)',
  405: 'Method not allowed on this path; see the Allow header',
  409: 'Conflict with the current state (exists, in use, closed, not ready)',
  413: 'Request body over maxBodyBytes (SB_ERR_PAYLOAD_TOO_LARGE)',
  415: 'Request body is not application/json (SB_ERR_UNSUPPORTED_MEDIA_TYPE)',
  429: 'Topic full under the reject policy (SB_ERR_TOPIC_FULL), or too many requests',
  500: 'Unexpected error (SB_ERR_INTERNAL, no details)',
  503: 'The server cannot do this right now (SB_ERR_UNAVAILABLE)',
  504: 'The client did not answer within timeoutMs (SB_ERR_INVOKE_TIMEOUT)',
};

/** Component name -> JSON schema, with refs between components and without per-schema $schema/$id. */
function components(entries: [z.ZodType, string][], io: 'input' | 'output'): Record<string, Json> {
  const reg = z.registry<{ id: string }>();
  for (const [schema, id] of entries) if (!reg.has(schema)) reg.add(schema, { id });
  const { schemas } = z.toJSONSchema(reg, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const out: Record<string, Json> = {};
  for (const [id, s] of Object.entries(schemas)) {
    const copy: Json = { ...(s as Json) };
    delete copy.$schema;
    delete copy.$id;
    out[id] = copy;
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const inputName = (r: AdminRoute): string => {
  if (r.bodyName) return r.bodyName;
  const words = r.path.split('/').filter((p) => p && !p.startsWith('{')).map((w) => w[0]!.toUpperCase() + w.slice(1));
  const verb = r.method === 'PATCH' ? 'Patch' : 'Request';
  return words.join('') + verb;
};

/** Operation id from the route's declared name: channels.update → channelsUpdate. */
export function operationId(r: NamedRoute): string {
  return r.name.split(/[.-]/).map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function fieldSchema(field: z.ZodType): Json {
  const s = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

/** Builds the OpenAPI 3.1 document from the route declarations and their zod schemas. */
export function buildOpenApi(version: string, routes: readonly NamedRoute[] = adminRouteList): Json {
  const inputs: [z.ZodType, string][] = [];
  const outputs: [z.ZodType, string][] = [[ErrorBodySchema, 'ErrorBody'], [AdminEventFrameSchema, 'AdminEventFrame']];
  const bodyNames = new Map<AdminRoute, string>();
  // A body schema shared by several routes is one component, under the first route's name: each
  // route refers to that name (a component is registered once per schema).
  const schemaNames = new Map<z.ZodType, string>();
  for (const r of routes) {
    if (r.body) {
      const name = schemaNames.get(r.body) ?? inputName(r);
      schemaNames.set(r.body, name);
      bodyNames.set(r, name);
      inputs.push([r.body, name]);
    }
    if (r.response.schema && r.response.name) outputs.push([r.response.schema, r.response.name]);
  }
  const schemas = { ...components(outputs, 'output'), ...components(inputs, 'input') };

  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const parameters: Json[] = [];
    for (const name of pathParamNames(r.path)) {
      const field = r.params?.shape[name] as z.ZodType | undefined;
      parameters.push({ name, in: 'path', required: true, schema: field ? fieldSchema(field) : { type: 'string' } });
    }
    if (r.query) {
      for (const [name, field] of Object.entries(r.query.shape)) {
        const s = fieldSchema(field as z.ZodType);
        const optional = (field as z.ZodType).safeParse(undefined).success;
        parameters.push({ name, in: 'query', required: !optional, schema: s, ...(typeof s.description === 'string' ? { description: s.description } : {}) });
      }
    }
    if (r.upgrade) parameters.push({ name: 'access_token', in: 'query', required: false, schema: { type: 'string' }, description: 'The admin token, for WebSocket clients that cannot set the Authorization header.' });

    const responses: Record<string, Json> = {};
    if (r.upgrade) {
      responses['101'] = { description: 'Switching to WebSocket; frames are AdminEventFrame JSON', content: { 'application/json': { schema: ref('AdminEventFrame') } } };
    } else if (r.response.status === 204) {
      responses['204'] = { description: 'Done; no content' };
    } else {
      responses[String(r.response.status)] = {
        description: r.response.status === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: r.response.name ? ref(r.response.name) : {} } },
      };
    }
    const errorStatuses = new Set([400, 401, 405, 500, ...(r.role === 'operator' ? [403] : []), ...(r.body ? [413, 415] : []), ...(r.errors ?? [])]);
    for (const s of [...errorStatuses].sort()) {
      responses[String(s)] = { description: STATUS_TEXT[s] ?? 'Error', content: { 'application/json': { schema: ref('ErrorBody') } } };
    }
    const op: Json = {
      operationId: operationId(r),
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      'x-required-role': r.role,
      ...(r.audit ? { 'x-audit-action': r.audit.action } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(bodyNames.get(r)!) } } } } : {}),
      responses,
    };
    (paths[ADMIN_BASE_PATH + r.path] ??= {})[r.method.toLowerCase()] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard admin API',
      version,
      description: 'Every route needs `Authorization: Bearer <token>`. Viewer tokens may read; operator tokens may also change things. Errors are `{error:{code,message,field?}}`. See docs/admin-api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An admin token from the server configuration (admin.tokens).' } },
      schemas,
    },
  };
}
