import { buildOpenApi } from '@wos/platform';
import { templateSampleSchema } from '@wos/contracts';
import { createTemplateSampleSchema } from './template-samples/template-samples.dto';

export function radarOpenApi(): Record<string, unknown> {
  return buildOpenApi('Radar', [
    { method: 'post', path: '/radar/template_samples', summary: 'Create a template sample (placeholder)', body: createTemplateSampleSchema, response: templateSampleSchema, status: 201 },
    { method: 'get', path: '/radar/template_samples/:id', summary: 'Get a template sample (placeholder)', response: templateSampleSchema },
  ]);
}
