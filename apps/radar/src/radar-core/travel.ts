/** A point on the earth in degrees. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine), in kilometres. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The trip from the account's last successful sign-in to this attempt. */
export interface Travel {
  distanceKm: number;
  hours: number;
}

export function travelBetween(from: GeoPoint & { at: Date }, to: GeoPoint & { at: Date }): Travel {
  return { distanceKm: distanceKm(from, to), hours: Math.max(0, to.at.getTime() - from.at.getTime()) / 3_600_000 };
}
