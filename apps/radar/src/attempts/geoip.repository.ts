import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { Reader, type CityResponse, type CountryResponse } from 'maxmind';
import countries from 'world-countries';
import { APP_CONFIG, type AppConfig } from '../config';
import type { GeoPoint } from '../radar-core/travel';

/* ip-location-db's databases carry `country_code`; MaxMind's GeoLite2/GeoIP2 ones `country.iso_code`. */
type CountryRecord = CountryResponse & { country_code?: string };
/* ip-location-db's city databases carry `latitude`/`longitude` at the top; MaxMind's under `location`. */
type CityRecord = CityResponse & { country_code?: string; latitude?: number; longitude?: number };

/** Where an attempt came from, as far as GeoIP knows. */
export interface Location {
  country?: string;
  point?: GeoPoint;
}

/**
 * IP address → country (and a point for impossible travel) from offline MaxMind-format databases,
 * read into memory once at boot: the country database (about 8 MB), and the optional city one.
 * Without a city, the point is the country's centroid (world-countries, ODbL-1.0), which sees
 * travel between countries, not within one. Private, reserved and unknown addresses have neither.
 */
@Injectable()
export class GeoIpRepository {
  private readonly reader: Reader<CountryRecord> | null;
  private readonly cities: Reader<CityRecord> | null;
  private readonly centroids = new Map<string, GeoPoint>(
    countries.filter((c) => c.latlng.length === 2).map((c) => [c.cca2.toUpperCase(), { latitude: c.latlng[0]!, longitude: c.latlng[1]! }]),
  );

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const file = config.RADAR_GEOIP_MMDB ?? require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
    this.reader = file === 'off' ? null : new Reader<CountryRecord>(readFileSync(file));
    this.cities = config.RADAR_GEOIP_CITY_MMDB ? new Reader<CityRecord>(readFileSync(config.RADAR_GEOIP_CITY_MMDB)) : null;
  }

  countryOf(ip: string): string | undefined {
    const r = this.lookup(this.reader, ip);
    return (r?.country_code ?? r?.country?.iso_code)?.toUpperCase();
  }

  /** A `country` the caller gives (our createAttempt extension) wins over the IP's. */
  locate(ip: string, country?: string): Location {
    const city = this.lookup(this.cities, ip);
    const cityCountry = (city?.country_code ?? city?.country?.iso_code)?.toUpperCase();
    const resolved = country ?? cityCountry ?? this.countryOf(ip);
    const lat = city?.location?.latitude ?? city?.latitude;
    const lon = city?.location?.longitude ?? city?.longitude;
    if (lat !== undefined && lon !== undefined && (!country || country === cityCountry)) return { country: resolved, point: { latitude: lat, longitude: lon } };
    return { country: resolved, point: resolved ? this.centroids.get(resolved) : undefined };
  }

  private lookup<T extends object>(reader: Reader<T> | null, ip: string): T | undefined {
    if (!reader || !ip) return undefined;
    try {
      return reader.get(ip) ?? undefined;
    } catch {
      return undefined;
    }
  }
}
