import { dirname } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';

interface XPathModule {
  FunctionResolver?: { prototype: { addStandardFunctions(this: { functions: object }): void } };
  selectWithResolver: (e: string, doc: unknown, resolver: unknown, single?: boolean) => unknown;
  createExpression: (e: string, resolver: null) => { evaluate(node: unknown, type: number, res: null): XPathResultLike };
  XPathResult: { ANY_TYPE: number; STRING_TYPE: number; NUMBER_TYPE: number; BOOLEAN_TYPE: number };
  __wosCached?: boolean;
}
interface XPathResultLike {
  resultType: number;
  stringValue: string;
  numberValue: number;
  booleanValue: boolean;
  nodes: unknown[];
}

/**
 * `xpath`'s select() builds a new XPathParser (its grammar tables) and a new function table for
 * every call; xml-crypto and node-saml call it a dozen times per SAML response, and that, not
 * RSA, was most of the ACS time (docs/benchmarks.md, SSO). This keeps one compiled expression
 * per expression string, built with the module's own shared parser (createExpression), and
 * evaluates it exactly as selectWithResolver does. Invariant: behaviour is unchanged; only
 * resolver-less selects are cached (what both libraries use), evaluation stays synchronous so a
 * cached expression is never evaluated twice at once, and the cache is bounded.
 */
export function installXPathCache(): void {
  const copies = new Set<string>();
  for (const from of [__dirname, dirname(require.resolve('xml-crypto')), dirname(require.resolve('@node-saml/node-saml'))]) {
    try {
      copies.add(require.resolve('xpath', { paths: [from] }));
    } catch {
      /* this dependency has no xpath of its own */
    }
  }
  for (const path of copies) patch(require(path) as XPathModule);
}

function patch(x: XPathModule): void {
  if (x.__wosCached || typeof x.createExpression !== 'function') return;
  // Evaluation builds a context (and with it a function table of ~30 entries) per location step;
  // the standard table is the same every time, so each new one inherits it instead of copying.
  const proto = x.FunctionResolver?.prototype;
  if (proto) {
    const table: { functions: Record<string, unknown> } = { functions: {} };
    proto.addStandardFunctions.call(table);
    const standard = Object.freeze(table.functions);
    proto.addStandardFunctions = function () {
      this.functions = Object.create(standard);
    };
  }
  const original = x.selectWithResolver;
  // What this copy's namespace-uri() says for an element in no namespace: copies differ ("" or "null").
  const noNamespace = String(original.call(x, 'string(namespace-uri(/*))', new DOMParser().parseFromString('<a/>', 'text/xml'), null));
  const cache = new Map<string, ReturnType<XPathModule['createExpression']>>();
  const T = x.XPathResult;
  x.selectWithResolver = function (e, doc, resolver, single) {
    if (resolver || typeof e !== 'string') return original.call(this, e, doc, resolver, single);
    const byAttribute = isDocument(doc) ? idLookup(e) : undefined;
    if (byAttribute) {
      const nodes = elementsWithAttribute(doc as DomNode, byAttribute);
      return single ? nodes[0] : nodes;
    }
    const byName = isNode(doc) ? nameLookup(e) : undefined;
    const byNameFrom = byName && (byName.absolute ? rootOf(doc as DomNode) : (doc as DomNode));
    if (byName && byNameFrom) {
      const nodes = elementsNamed(byNameFrom, byName, noNamespace);
      return single ? nodes[0] : nodes;
    }
    let expression = cache.get(e);
    if (!expression) {
      expression = x.createExpression(e, null);
      if (cache.size >= 2000) cache.clear();
      cache.set(e, expression);
    }
    const result = expression.evaluate(doc, T.ANY_TYPE, null);
    if (result.resultType === T.STRING_TYPE) return result.stringValue;
    if (result.resultType === T.NUMBER_TYPE) return result.numberValue;
    if (result.resultType === T.BOOLEAN_TYPE) return result.booleanValue;
    return single ? result.nodes[0] : result.nodes;
  };
  x.__wosCached = true;
}

/*
 * The ID lookups xml-crypto and node-saml run for every signature reference, a whole-document
 * scan each, were three quarters of the xpath time of an ACS request (docs/benchmarks.md, SSO),
 * and with the ID inside the expression they were compiled anew every time. These two shapes,
 * evaluated on a Document, are answered by one walk over its elements instead, with exactly the
 * xpath engine's semantics (checked against it by xpath-cache.spec.ts):
 *   //*[@*[local-name(.)='N']='V']  every element, in document order, with an attribute (any
 *       namespace, namespace declarations included, as the engine's attribute axis has them)
 *       whose local name is N and whose value is V;
 *   //*[@N="V"] or //*[@N='V']  the same for an attribute named N in no namespace; the name
 *       compared ignoring case when the engine does (it takes a DOM whose implementation claims
 *       the HTML feature, as xmldom's does, for HTML: XPathExpression.detectHtmlDom).
 * Anything else, including either shape with a quote injected into V, takes the engine.
 */
interface AttributeTest {
  name: string;
  value: string;
  anyNamespace: boolean;
  ignoreCase?: boolean;
}
const ANY_NAMESPACE = /^\/\/\*\[@\*\[local-name\(\.\)='([A-Za-z_][\w.-]*)'\]='([^']*)'\]$/;
const NO_NAMESPACE = /^\/\/\*\[@([A-Za-z_][\w.-]*)=(?:"([^"]*)"|'([^']*)')\]$/;

function idLookup(e: string): AttributeTest | undefined {
  const any = ANY_NAMESPACE.exec(e);
  if (any) return { name: any[1]!, value: any[2]!, anyNamespace: true };
  const none = NO_NAMESPACE.exec(e);
  // `xmlns` would be the engine's namespace-declaration corner: leave it to the engine.
  if (none && none[1]!.toLowerCase() !== 'xmlns') return { name: none[1]!, value: none[2] ?? none[3]!, anyNamespace: false };
  return undefined;
}

/*
 * The element lookups by name the signature code runs (the Signature below an assertion, its
 * SignedInfo, Transforms, KeyInfo…), also whole-subtree scans through the engine's generic
 * machinery. Shapes, with exactly the engine's semantics (local-name() is localName, else
 * nodeName; namespace-uri() of an element in no namespace is what this copy of the engine says,
 * "" or "null", asked once when it is patched):
 *   ./*[P]  the context's child elements;   .//*[P]  its descendant elements;
 *   //*[P]  every element of its document (the engine's root: the context if it is a Document,
 *           else its ownerDocument);
 * with P = local-name(.)='L', optionally "and namespace-uri(.)='NS'" (the dot may be omitted).
 */
interface NameTest {
  absolute: boolean;
  descendants: boolean;
  local: string;
  namespace?: string;
}
const BY_NAME = /^(\.?)(\/\/?)\*\[local-name\(\.?\)='([^']+)'(?: and namespace-uri\(\.?\)='([^']*)')?\]$/;

function nameLookup(e: string): NameTest | undefined {
  const m = BY_NAME.exec(e);
  if (!m) return undefined;
  const absolute = m[1] === '';
  // `/*[…]` (the document's own element) is left to the engine: nothing here runs it.
  if (absolute && m[2] === '/') return undefined;
  return { absolute, descendants: m[2] === '//', local: m[3]!, ...(m[4] !== undefined ? { namespace: m[4] } : {}) };
}

function rootOf(n: DomNode): DomNode | undefined {
  return n.nodeType === 9 ? n : (n.ownerDocument ?? undefined);
}

/** The matching elements below `from` (its children only, or all descendants), in document order. */
function elementsNamed(from: DomNode, t: NameTest, noNamespace: string): DomNode[] {
  const out: DomNode[] = [];
  const visit = (parent: DomNode): void => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      if ((n.localName || n.nodeName || '') === t.local && (t.namespace === undefined || (n.namespaceURI ?? noNamespace) === t.namespace)) out.push(n);
      if (t.descendants) visit(n);
    }
  };
  visit(from);
  return out;
}

interface DomNode {
  nodeType: number;
  localName?: string | null;
  nodeName?: string;
  namespaceURI?: string | null;
  ownerDocument?: DomNode | null;
  implementation?: { hasFeature(feature: string, version: string): boolean };
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  attributes?: { length: number; item(i: number): DomAttr | null };
}
interface DomAttr {
  localName?: string | null;
  nodeName?: string;
  namespaceURI?: string | null;
  value?: string;
  nodeValue?: string | null;
}

const isNode = (n: unknown): n is DomNode => typeof n === 'object' && n !== null && ((n as DomNode).nodeType === 1 || (n as DomNode).nodeType === 9);
const isDocument = (n: unknown): n is DomNode => isNode(n) && n.nodeType === 9;

/** The elements below `doc` in document order (pre-order) that carry a matching attribute. */
function elementsWithAttribute(doc: DomNode, test: AttributeTest): DomNode[] {
  const t = test.anyNamespace ? test : { ...test, name: htmlDom(doc) ? test.name.toLowerCase() : test.name, ignoreCase: htmlDom(doc) };
  const out: DomNode[] = [];
  const visit = (parent: DomNode): void => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      if (hasAttribute(n, t)) out.push(n);
      visit(n);
    }
  };
  visit(doc);
  return out;
}

function hasAttribute(el: DomNode, t: AttributeTest): boolean {
  const attrs = el.attributes;
  if (!attrs) return false;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (!a) continue;
    // The engine's local-name() (localName, else nodeName) and its string value of an attribute.
    const local = a.localName || a.nodeName || '';
    if ((t.ignoreCase ? local.toLowerCase() : local) !== t.name) continue;
    if (!t.anyNamespace && a.namespaceURI) continue;
    if ((a.value || a.nodeValue) === t.value) return true;
  }
  return false;
}

/* The engine's case rule for name tests (XPathExpression.detectHtmlDom): a DOM claiming HTML, or one that cannot say. */
function htmlDom(doc: DomNode): boolean {
  try {
    return doc.implementation!.hasFeature('HTML', '2.0');
  } catch {
    return true;
  }
}
