import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { Reader, type CountryResponse } from 'maxmind';
import { APP_CONFIG, type AppConfig } from '../config';

/* ip-location-db's databases carry `country_code`; MaxMind's GeoLite2/GeoIP2 ones `country.iso_code`. */
type CountryRecord = CountryResponse & { country_code?: string };

/**
 * IP address → ISO country code from an offline MaxMind-format database, read into memory once
 * at boot (about 8 MB). Private, reserved and unknown addresses have no country.
 */
@Injectable()
export class GeoIpRepository {
  private readonly reader: Reader<CountryRecord> | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const file = config.RADAR_GEOIP_MMDB ?? require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
    this.reader = file === 'off' ? null : new Reader<CountryRecord>(readFileSync(file));
  }

  countryOf(ip: string): string | undefined {
    if (!this.reader || !ip) return undefined;
    try {
      const r = this.reader.get(ip);
      return (r?.country_code ?? r?.country?.iso_code)?.toUpperCase();
    } catch {
      return undefined;
    }
  }
}
