import { z } from 'zod';
import type { RadarListEntryWire } from '@wos/contracts';
import type { RadarListEntry } from '../generated/prisma/client';
import { LIST_ACTIONS, LIST_TYPES } from '../radar-core/lists';

/** The path `/radar/lists/:type/:action` and the body `{ entry }` of addListEntry and removeListEntry. */
export const listPathSchema = z.object({ type: z.enum(LIST_TYPES), action: z.enum(LIST_ACTIONS) });
export type ListPath = z.infer<typeof listPathSchema>;
export const listEntryBodySchema = z.object({ entry: z.string().min(1).max(1024) });
export type ListEntryBody = z.infer<typeof listEntryBodySchema>;

export function toListEntryWire(e: RadarListEntry): RadarListEntryWire {
  return { object: 'radar_list_entry', id: e.id, type: e.type, action: e.action as RadarListEntryWire['action'], entry: e.entry, created_at: e.createdAt.toISOString() };
}
