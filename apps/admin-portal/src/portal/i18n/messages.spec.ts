import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueMismatches } from '@wos/platform/pages';
import { CATALOGUES, pickLocale, translator } from './messages';

test('the portal catalogues: French has every English key and placeholder; Accept-Language picks it', () => {
  assert.deepEqual(catalogueMismatches(CATALOGUES, 'en'), []);
  assert.equal(pickLocale('fr-CA,fr;q=0.9'), 'fr');
  assert.equal(translator('fr')('portal.lead', { organization: 'Acme' }), 'Configurer Acme');
});
