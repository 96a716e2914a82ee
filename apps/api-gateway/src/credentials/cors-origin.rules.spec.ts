import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHomepageUrl, normaliseCorsOrigin } from './cors-origin.rules';

describe('cors-origin.rules', () => {
  test('stores origins as browsers send them', () => {
    assert.equal(normaliseCorsOrigin('https://App.Example.com/'), 'https://app.example.com');
    assert.equal(normaliseCorsOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(normaliseCorsOrigin('https://a.example:443'), 'https://a.example');
  });

  test('refuses anything that is not just an origin', () => {
    for (const bad of ['', 'null', '*', 'app.example.com', 'ftp://a.example', 'https://a.example/path', 'https://a.example/?q', 'https://u:p@a.example', 'https://a.example/#x', 'https://a .example']) {
      assert.throws(() => normaliseCorsOrigin(bad), /CORS origin/, bad);
    }
  });

  test('homepage URLs are absolute http(s) URLs', () => {
    checkHomepageUrl('https://app.example.com/home');
    for (const bad of ['', '/home', 'javascript:alert(1)', 'https://u:p@a.example']) assert.throws(() => checkHomepageUrl(bad), /homepage URL/, bad);
  });
});
