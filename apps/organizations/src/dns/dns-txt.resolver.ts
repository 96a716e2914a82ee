import { Inject, Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { APP_CONFIG, type AppConfig } from '../config';

export type TxtLookup = { ok: true; records: string[] } | { ok: false; reason: 'txt_record_not_found' | 'dns_lookup_failed'; detail: string };

/**
 * Looks up TXT records through the configured resolvers (DNS_SERVERS), or the system's when
 * none are set. Tests point it at a DNS server they run on loopback.
 */
@Injectable()
export class DnsTxtResolver {
  private readonly resolver: Resolver;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.resolver = new Resolver({ timeout: config.DNS_TIMEOUT_MS, tries: 2 });
    if (config.DNS_SERVERS.length) this.resolver.setServers(config.DNS_SERVERS);
  }

  async lookup(name: string): Promise<TxtLookup> {
    try {
      const chunks = await this.resolver.resolveTxt(name);
      return { ok: true, records: chunks.map((parts) => parts.join('')) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      if (code === 'ENOTFOUND' || code === 'ENODATA') return { ok: false, reason: 'txt_record_not_found', detail: `No TXT record at ${name}.` };
      return { ok: false, reason: 'dns_lookup_failed', detail: `DNS lookup of ${name} failed (${code}).` };
    }
  }
}
