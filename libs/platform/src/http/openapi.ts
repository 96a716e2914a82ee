import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
}

/**
 * Builds an OpenAPI 3.1 document from the same zod schemas that validate requests, so the
 * document cannot disagree with the code.
 */
export function buildOpenApi(title: string, routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const oaPath = r.path.replace(/:([a-zA-Z_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([a-zA-Z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const shape = r.query.shape as Record<string, z.ZodType>;
      for (const [name, schema] of Object.entries(shape)) {
        params.push({ name, in: 'query', required: false, schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as never });
      }
    }
    paths[oaPath] ??= {};
    paths[oaPath][r.method] = {
      summary: r.summary,
      parameters: params,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: z.toJSONSchema(r.response, { unrepresentable: 'any' }) } } } : {}),
        },
        default: { description: 'WorkOS error body', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title, version: '1' },
    paths,
    components: {
      schemas: { Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array' } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
  };
}
