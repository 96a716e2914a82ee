import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distanceKm, travelBetween } from './travel';

test('distanceKm: great-circle distances between known places, within 1 %', () => {
  const paris = { latitude: 48.8566, longitude: 2.3522 };
  const newYork = { latitude: 40.7128, longitude: -74.006 };
  const sydney = { latitude: -33.8688, longitude: 151.2093 };
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) / b < 0.01, `${a} vs ${b}`);
  near(distanceKm(paris, newYork), 5837);
  near(distanceKm(newYork, sydney), 15_989);
  assert.equal(distanceKm(paris, paris), 0);
  // Antipodes: half the circumference, no NaN from rounding.
  near(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }), 20_015);
});

test('travelBetween: hours from the earlier sign-in, never negative', () => {
  const a = { latitude: 0, longitude: 0, at: new Date('2026-01-01T00:00:00Z') };
  const b = { latitude: 0, longitude: 1, at: new Date('2026-01-01T00:30:00Z') };
  assert.equal(travelBetween(a, b).hours, 0.5);
  assert.equal(travelBetween(b, a).hours, 0);
});
