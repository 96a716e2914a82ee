import { Injectable } from '@nestjs/common';
import { Topic, type RadarListEntryWire } from '@wos/contracts';
import { buildEvent, newId, NotFoundError, ValidationError, type OutboxMessage } from '@wos/platform';
import { EnvCache } from '../radar-core/env-cache';
import { CompiledLists, normaliseListEntry, type ListEntry } from '../radar-core/lists';
import { toListEntryWire, type ListPath } from './lists.dto';
import { ListsRepository } from './lists.repository';

const CACHE_TTL_MS = 5_000;
/** Entries per environment: the lists are held compiled in memory on every assessment. */
export const MAX_LIST_ENTRIES = 10_000;

function listEntryEvent(change: 'created' | 'deleted', wire: RadarListEntryWire, environmentId: string): OutboxMessage {
  return { topic: Topic.radar, key: wire.id, event: buildEvent(`radar.list_entry.${change}`, wire, environmentId) };
}

/** Allow and deny lists per environment (radar.addListEntry / removeListEntry). */
@Injectable()
export class ListsService {
  private readonly cache: EnvCache<CompiledLists>;

  constructor(private readonly repo: ListsRepository) {
    this.cache = new EnvCache(CACHE_TTL_MS, async (env) => new CompiledLists((await repo.all(env)) as ListEntry[]));
  }

  compiled(environmentId: string): Promise<CompiledLists> {
    return this.cache.get(environmentId);
  }

  async add(environmentId: string, path: ListPath, raw: string): Promise<{ created: boolean; message: string }> {
    const entry = this.normalise(path, raw);
    if ((await this.repo.count(environmentId)) >= MAX_LIST_ENTRIES) {
      throw new ValidationError([{ field: 'entry', code: 'list_entries_limit_reached', message: `An environment holds at most ${MAX_LIST_ENTRIES} list entries.` }]);
    }
    const row = { id: newId('radar_list_entry'), environmentId, type: path.type, action: path.action, entry, createdAt: new Date() };
    const created = await this.repo.add(row, listEntryEvent('created', toListEntryWire(row), environmentId));
    this.cache.invalidate(environmentId);
    return { created, message: created ? 'Entry added to the list.' : 'Entry already present in the list.' };
  }

  async remove(environmentId: string, path: ListPath, raw: string): Promise<void> {
    const entry = this.normalise(path, raw);
    const removed = await this.repo.remove(environmentId, path.type, path.action, entry, (d) => listEntryEvent('deleted', toListEntryWire(d), environmentId));
    this.cache.invalidate(environmentId);
    if (!removed) throw new NotFoundError(`a ${path.type} ${path.action} list entry`, entry);
  }

  private normalise(path: ListPath, raw: string): string {
    const n = normaliseListEntry(path.type, raw);
    if (!n.ok) throw new ValidationError([{ field: 'entry', code: 'invalid_list_entry', message: n.message }]);
    return n.entry;
  }
}
