import { buildOpenApi } from '@wos/platform';
import { templateSampleSchema } from '@wos/contracts';
import { createTemplateSampleSchema } from './template-samples/template-samples.dto';

export function authorizationOpenApi(): Record<string, unknown> {
  return buildOpenApi('Authorization', [
    { method: 'post', path: '/authorization/template_samples', summary: 'Create a template sample (placeholder)', body: createTemplateSampleSchema, response: templateSampleSchema, status: 201 },
    { method: 'get', path: '/authorization/template_samples/:id', summary: 'Get a template sample (placeholder)', response: templateSampleSchema },
  ]);
}
