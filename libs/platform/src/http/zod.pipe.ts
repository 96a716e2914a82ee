import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError, type FieldError } from '../errors/errors';

/** Maps zod issues to WorkOS `errors[]` items with stable, snake_case codes. */
export function toFieldErrors(issues: z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = path ? `${path}.${key}` : key;
        out.push({ field, code: 'unknown_field', message: `${field} is not a recognised parameter.` });
      }
      continue;
    }
    const field = path || 'body';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const slug = field.replace(/\.\d+/g, '').replace(/\./g, '_');
    out.push({ field, code: missing ? `${slug}_required` : `${slug}_invalid`, message: missing ? `${field} is required.` : `${field}: ${issue.message}` });
  }
  return out;
}

/** Validates and types a request part with a zod schema; failures become a 422. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}
  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    return parsed.data;
  }
}
