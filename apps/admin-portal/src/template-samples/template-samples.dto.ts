import { z } from 'zod';
import type { TemplateSampleWire } from '@wos/contracts';
import type { TemplateSample } from '../generated/prisma/client';

export const createTemplateSampleSchema = z.object({
  organization_id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(256),
});
export type CreateTemplateSampleInput = z.infer<typeof createTemplateSampleSchema>;

export function toTemplateSampleWire(s: TemplateSample): TemplateSampleWire {
  return { object: 'template_sample', id: s.id, organization_id: s.organizationId, name: s.name, created_at: s.createdAt.toISOString() };
}
