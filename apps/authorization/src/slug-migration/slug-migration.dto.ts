import { z } from 'zod';

/** One call of the role slug migration: at most `max_pages` pages of 100 memberships (default 10). */
export const runSlugMigrationSchema = z.object({ max_pages: z.number().int().min(1).max(100).optional() }).strict().default({});
export type RunSlugMigrationInput = z.infer<typeof runSlugMigrationSchema>;
