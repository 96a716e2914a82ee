import { buildOpenApi } from '@wos/platform';
import { templateSampleSchema } from '@wos/contracts';
import { createTemplateSampleSchema } from './template-samples/template-samples.dto';

export function vaultOpenApi(): Record<string, unknown> {
  return buildOpenApi('Vault', [
    { method: 'post', path: '/vault/template_samples', summary: 'Create a template sample (placeholder)', body: createTemplateSampleSchema, response: templateSampleSchema, status: 201 },
    { method: 'get', path: '/vault/template_samples/:id', summary: 'Get a template sample (placeholder)', response: templateSampleSchema },
  ]);
}
