import { z } from 'zod';
import type { JwtTemplate } from '../generated/prisma/client';
import { MAX_TEMPLATE_CHARS } from '../jwt-template-core/jwt-template';

/** `PUT /user_management/jwt_template` (the Java SDK's `updateJWTTemplate`). */
export const updateJwtTemplateSchema = z.strictObject({ content: z.string().min(1).max(MAX_TEMPLATE_CHARS) });
export type UpdateJwtTemplateInput = z.infer<typeof updateJwtTemplateSchema>;

export const jwtTemplateWireSchema = z.object({ object: z.literal('jwt_template'), content: z.string(), created_at: z.string(), updated_at: z.string() });
export type JwtTemplateWire = z.infer<typeof jwtTemplateWireSchema>;

export function toJwtTemplateWire(t: JwtTemplate): JwtTemplateWire {
  return { object: 'jwt_template', content: t.content, created_at: t.createdAt.toISOString(), updated_at: t.updatedAt.toISOString() };
}
