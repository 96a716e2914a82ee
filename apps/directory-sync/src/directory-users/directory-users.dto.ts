import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';

export const listDirectoryUsersQuerySchema = paginationQuerySchema.extend({
  directory: z.string().min(1).max(128).optional(),
  group: z.string().min(1).max(128).optional(),
});
export type ListDirectoryUsersQuery = z.infer<typeof listDirectoryUsersQuerySchema>;

export const listDirectoryGroupsQuerySchema = paginationQuerySchema.extend({
  directory: z.string().min(1).max(128).optional(),
  user: z.string().min(1).max(128).optional(),
});
export type ListDirectoryGroupsQuery = z.infer<typeof listDirectoryGroupsQuerySchema>;
