import { buildOpenApi } from '@wos/platform';
import { templateSampleSchema } from '@wos/contracts';
import { createTemplateSampleSchema } from './template-samples/template-samples.dto';

export function auditLogsOpenApi(): Record<string, unknown> {
  return buildOpenApi('Audit Logs', [
    { method: 'post', path: '/audit_logs/template_samples', summary: 'Create a template sample (placeholder)', body: createTemplateSampleSchema, response: templateSampleSchema, status: 201 },
    { method: 'get', path: '/audit_logs/template_samples/:id', summary: 'Get a template sample (placeholder)', response: templateSampleSchema },
  ]);
}
