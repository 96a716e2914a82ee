import { Injectable } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { buildEvent } from '@wos/platform';
import { EnvCache } from '../radar-core/env-cache';
import { mergeSettings, settingsFromStored, type RadarSettings, type RadarSettingsPatch } from '../radar-core/settings';
import { SettingsRepository } from './settings.repository';

const CACHE_TTL_MS = 5_000;

/** An environment's control modes, thresholds and fail policy (our extension: WorkOS sets these in its dashboard). */
@Injectable()
export class SettingsService {
  private readonly cache: EnvCache<RadarSettings>;

  constructor(private readonly repo: SettingsRepository) {
    this.cache = new EnvCache(CACHE_TTL_MS, async (env) => settingsFromStored(await repo.find(env)));
  }

  get(environmentId: string): Promise<RadarSettings> {
    return this.cache.get(environmentId);
  }

  async update(environmentId: string, patch: RadarSettingsPatch): Promise<RadarSettings> {
    const next = await this.repo.update(
      environmentId,
      (stored) => mergeSettings(settingsFromStored(stored), patch),
      (settings, at) => ({
        topic: Topic.radar,
        key: environmentId,
        event: buildEvent('radar.settings.updated', { object: 'radar_settings', settings, updated_at: at.toISOString() }, environmentId),
      }),
    );
    this.cache.invalidate(environmentId);
    return next;
  }
}
