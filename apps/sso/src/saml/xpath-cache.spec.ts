import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { installXPathCache } from './xpath-cache';

type Select = (e: string, doc: unknown, single?: boolean) => unknown;

/*
 * The engine as xml-crypto and node-saml ship it, loaded before the cache patches it (a module
 * instance of its own), to compare the patched copies with.
 */
const paths = [...new Set([dirname(require.resolve('xml-crypto')), dirname(require.resolve('@node-saml/node-saml'))].map((from) => require.resolve('xpath', { paths: [from] })))];
const pristine = paths.map((p) => {
  const mod = require(p) as { select: Select };
  delete require.cache[p];
  return mod;
});
installXPathCache();
const patched = paths.map((p) => require(p) as { select: Select; __wosCached?: boolean });

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const response = (assertionAttrs: string, extra = '') => `<?xml version="1.0"?>
<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="_r1" Version="2.0" Destination="https://sp/acs">
  <saml:Issuer>https://idp</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ${assertionAttrs} Version="2.0">
    <saml:Issuer>https://idp</saml:Issuer>
    <ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:Reference URI="#_a1"/></ds:SignedInfo></ds:Signature>
    <saml:Subject><saml:NameID>ann@example.com</saml:NameID></saml:Subject>
    ${extra}
  </saml:Assertion>
</samlp:Response>`;

/** Documents with the corners the fast path must agree on: namespaces, case, duplicates, declarations. */
const DOCUMENTS = [
  response('ID="_a1"'),
  response('id="_a1"'),
  response('Id="_a1"'),
  response('ID=""'),
  response('xmlns:ID="_a1" ID="_other"'),
  response('xmlns:x="urn:x" x:ID="_a1"'),
  response('ID="_a1"', '<saml:Advice><saml:Assertion ID="_a1"/></saml:Advice>'),
  response('ID="_a1"', '<x:Extra xmlns:x="urn:x" x:ID="_a1" ID="_a1" id="_a1"/>'),
  response('ID="_a1" id="_a1"'),
  response('ID="_a&amp;1"'),
  '<root ID="_a1"><child ID="_a1"><grand ID="_a1"/></child><child/></root>',
  '<root xmlns="urn:default" ID="_a1"><inner ID="_a1" xmlns:p="urn:p" p:Id="_a1"/></root>',
  '<root/>',
];
const EXPRESSIONS = (value: string) => [
  `//*[@*[local-name(.)='ID']='${value}']`,
  `//*[@*[local-name(.)='Id']='${value}']`,
  `//*[@*[local-name(.)='id']='${value}']`,
  `//*[@ID="${value}"]`,
  `//*[@ID='${value}']`,
  `//*[@id="${value}"]`,
  `//*[@Id='${value}']`,
];

test('the fast ID lookups answer exactly what the xpath engine answers (nodes, order, first node)', () => {
  assert.ok(patched.every((m) => m.__wosCached), 'every copy of xpath is patched');
  assert.ok(patched.every((m, i) => m !== pristine[i]), 'the reference copies are separate instances');
  let compared = 0;
  for (const xml of DOCUMENTS) {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    for (const value of ['_a1', '_r1', '_other', '', '_a&1', '_missing']) {
      for (const e of EXPRESSIONS(value)) {
        for (let i = 0; i < paths.length; i++) {
          const want = pristine[i]!.select(e, doc) as unknown[];
          const got = patched[i]!.select(e, doc) as unknown[];
          assert.equal(got.length, want.length, `${e} on ${xml.slice(0, 80)}`);
          got.forEach((n, k) => assert.equal(n, want[k], `${e}: node ${k}`));
          assert.equal(patched[i]!.select(e, doc, true), pristine[i]!.select(e, doc, true), `${e} (single)`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 500, `compared ${compared}`);
});

test('the fast lookups by name answer exactly what the engine answers, from a document and from elements', () => {
  const names = ['Signature', 'SignedInfo', 'Assertion', 'Issuer', 'NameID', 'Reference', 'Extra', 'child', 'inner', 'Missing'];
  const namespaces = [DS, SAML, SAMLP, 'urn:x', '', 'null'];
  let compared = 0;
  for (const xml of DOCUMENTS) {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const contexts = [doc, doc.documentElement!, ...Array.from(doc.getElementsByTagNameNS(SAML, 'Assertion')), ...Array.from(doc.getElementsByTagNameNS(DS, 'Signature'))];
    for (const local of names) {
      const shapes = [`./*[local-name(.)='${local}']`, `.//*[local-name(.)='${local}']`, `//*[local-name()='${local}']`, `.//*[local-name()='${local}']`];
      for (const ns of namespaces) shapes.push(`./*[local-name(.)='${local}' and namespace-uri(.)='${ns}']`, `.//*[local-name(.)='${local}' and namespace-uri(.)='${ns}']`, `//*[local-name(.)='${local}' and namespace-uri(.)='${ns}']`);
      for (const e of shapes) {
        for (const context of contexts) {
          for (let i = 0; i < paths.length; i++) {
            const want = pristine[i]!.select(e, context) as unknown[];
            const got = patched[i]!.select(e, context) as unknown[];
            assert.equal(got.length, want.length, `${e} from ${(context as { nodeName: string }).nodeName} on ${xml.slice(0, 80)}`);
            got.forEach((n, k) => assert.equal(n, want[k], `${e}: node ${k}`));
            compared++;
          }
        }
      }
    }
  }
  assert.ok(compared > 2000, `compared ${compared}`);
});

test('shapes outside the fast path still go to the engine: a quote injected into the value, a relative context', () => {
  const doc = new DOMParser().parseFromString(response('ID="_a1"'), 'text/xml');
  const assertion = doc.getElementsByTagNameNS(SAML, 'Assertion')[0]!;
  for (let i = 0; i < paths.length; i++) {
    for (const e of [`//*[@ID="_a1" or "x"="x"]`, `//*[@*[local-name(.)='ID']='_a1' or 'x'='x']`, `//*[@xmlns="urn:x"]`]) {
      assert.deepEqual(patched[i]!.select(e, doc), pristine[i]!.select(e, doc), e);
    }
    // From an element, not a Document: the engine's own evaluation.
    assert.deepEqual(patched[i]!.select(`//*[@ID='_a1']`, assertion), pristine[i]!.select(`//*[@ID='_a1']`, assertion));
  }
});
