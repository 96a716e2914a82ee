import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import en from './en.json';
import fr from './fr.json';
import { catalogueMismatches } from '@wos/platform/pages';
import { pickLocale, translator } from './messages';

describe('hosted pages messages', () => {
  test('French has every English key and no other, and keeps every {placeholder}', () => {
    assert.deepEqual(catalogueMismatches({ en, fr }, 'en'), []);
  });

  test('Accept-Language picks the best supported language by quality, English otherwise', () => {
    assert.equal(pickLocale(undefined), 'en');
    assert.equal(pickLocale('fr-FR,fr;q=0.9,en;q=0.8'), 'fr');
    assert.equal(pickLocale('de-DE, fr;q=0.5, en;q=0.7'), 'en');
    assert.equal(pickLocale('de, fr-CA;q=0.4'), 'fr');
    assert.equal(pickLocale('fr;q=0, en'), 'en');
    assert.equal(pickLocale('x'.repeat(10_000)), 'en');
  });

  test('placeholders are filled; unknown ones stay visible', () => {
    const t = translator('fr');
    assert.equal(t('sign_in.heading', { brand: 'Acme' }), 'Se connecter à Acme');
    assert.equal(t('sign_in.heading'), 'Se connecter à {brand}');
  });
});
