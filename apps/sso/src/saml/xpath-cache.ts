import { dirname } from 'node:path';

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
  const cache = new Map<string, ReturnType<XPathModule['createExpression']>>();
  const T = x.XPathResult;
  x.selectWithResolver = function (e, doc, resolver, single) {
    if (resolver || typeof e !== 'string') return original.call(this, e, doc, resolver, single);
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
