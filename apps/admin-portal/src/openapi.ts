import { buildOpenApi } from '@wos/platform';
import { templateSampleSchema } from '@wos/contracts';
import { createTemplateSampleSchema } from './template-samples/template-samples.dto';

export function adminPortalOpenApi(): Record<string, unknown> {
  return buildOpenApi('Admin Portal', [
    { method: 'post', path: '/admin_portal/template_samples', summary: 'Create a template sample (placeholder)', body: createTemplateSampleSchema, response: templateSampleSchema, status: 201 },
    { method: 'get', path: '/admin_portal/template_samples/:id', summary: 'Get a template sample (placeholder)', response: templateSampleSchema },
  ]);
}
