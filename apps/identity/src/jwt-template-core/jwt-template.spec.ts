import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, MAX_RENDERED_BYTES, MAX_TEMPLATE_CHARS, renderTemplate, TemplateError } from './jwt-template';

const context = {
  user: { object: 'user', id: 'user_1', email: 'ada@example.com', first_name: 'Ada', last_name: null, metadata: { language: 'fr', tier: 'x"y' } },
  organization: { id: 'org_1', name: 'Acme', metadata: { tier: 'gold' }, domains: [{ domain: 'acme.com' }, { domain: 'acme.org' }] },
  organization_membership: { role: { slug: 'admin' }, custom_attributes: {} },
};
const render = (source: string, ctx: object = context) => renderTemplate(compileTemplate(source), ctx);

describe('JWT template language', () => {
  test('values, string interpolation, fallbacks and array indexes, as WorkOS documents them', () => {
    const claims = render(`{
      "urn:app:full_name": "{{ user.first_name || 'Someone' }} {{ user.last_name || 'Unknown' }}",
      "urn:app:email": {{ user.email }},
      "urn:app:tier": "{{ organization.metadata.tier || 'bronze' }}",
      "urn:app:lang": "{{ user.metadata.language || 'en' }}",
      "urn:app:domain": "{{ organization.domains.0.domain }}",
      "urn:app:nick": {{ user.metadata.nickname || user.email }},
      "urn:app:guest": {{ user.metadata.nickname || "Guest" }},
      "urn:app:meta": {{ user.metadata }},
      "urn:app:domains": {{ organization.domains }},
      "urn:app:missing": {{ organization_membership.custom_attributes.department }},
      "urn:app:quoted": "{{ user.metadata.tier }}",
      "static": [1, true, "{{ organization_membership.role.slug }}"]
    }`);
    assert.deepEqual(claims, {
      'urn:app:full_name': 'Ada Unknown',
      'urn:app:email': 'ada@example.com',
      'urn:app:tier': 'gold',
      'urn:app:lang': 'fr',
      'urn:app:domain': 'acme.com',
      'urn:app:nick': 'ada@example.com',
      'urn:app:guest': 'Guest',
      'urn:app:meta': { language: 'fr', tier: 'x"y' },
      'urn:app:domains': [{ domain: 'acme.com' }, { domain: 'acme.org' }],
      'urn:app:missing': null,
      'urn:app:quoted': 'x"y',
      static: [1, true, 'admin'],
    });
  });

  test('without an organization the organization paths fall back', () => {
    assert.deepEqual(render('{"t": "{{ organization.metadata.tier || \'bronze\' }}", "o": {{ organization.id }}}', { user: context.user }), { t: 'bronze', o: null });
  });

  test('refused when saved: bad JSON, reserved or templated claim names, unknown roots, objects in strings, size', () => {
    const refused = (source: string, message: RegExp) => assert.throws(() => compileTemplate(source), (e: unknown) => e instanceof TemplateError && message.test(e.message), source);
    refused('{"a": {{ user.email }}', /JSON object/);
    refused('[{{ user.email }}]', /JSON object/);
    refused('{"a": {{ user.email }', /no matching/);
    refused('{"sub": "{{ user.id }}"}', /reserved claims sub/);
    refused('{"org_id": "x", "urn:ok": 1}', /reserved claims org_id/);
    refused('{"{{ user.id }}": 1}', /Claim names/);
    refused('{"a": {{ process.env.SECRET }}}', /must start with user/);
    refused('{"a": {{ user.__proto__..x }}}', /not a path/);
    refused('{"a": {{ }}}', /empty/);
    refused('{"a": {{ user.email || }}}', /ends with/);
    refused('{"a": {{ user.email user.id }}}', /separated by/);
    refused('{"a": "{{ user.metadata }}"}', /cannot be interpolated/);
    refused(`{"a": "${'x'.repeat(MAX_TEMPLATE_CHARS)}"}`, /at most/);
  });

  test('refused when rendered: objects in strings through a fallback, output over the size bound', () => {
    const t = compileTemplate('{"a": "{{ user.metadata.nickname || organization.domains.0 }}"}');
    assert.throws(() => renderTemplate(t, context), /cannot be interpolated/);
    const big = compileTemplate('{"a": {{ user.metadata }}}');
    assert.throws(() => renderTemplate(big, { user: { metadata: { blob: 'x'.repeat(MAX_RENDERED_BYTES) } } }), /exceed/);
  });

  test('prototype properties resolve to nothing', () => {
    assert.deepEqual(render('{"a": {{ user.constructor || "none" }}, "b": {{ user.toString }}}'), { a: 'none', b: null });
  });

  test('the roots a template reads', () => {
    assert.deepEqual([...compileTemplate('{"a": {{ user.email }}, "b": "{{ organization.name }}"}').roots].sort(), ['organization', 'user']);
  });
});
