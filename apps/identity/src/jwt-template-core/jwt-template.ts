/*
 * JWT templates (WorkOS AuthKit): a JSON object whose values may hold `{{ expression }}`
 * placeholders, rendered with the user, organization and membership into custom access-token
 * claims. Pure code: no I/O, no Nest.
 *
 * The language, as WorkOS documents it:
 *  - `{{ user.email }}` outside a string is replaced by the value as JSON (objects and arrays
 *    included; a missing value is null);
 *  - inside a string, `"{{ user.first_name }} {{ user.last_name }}"` interpolates text; an object
 *    or array there is an error;
 *  - `a || b || 'literal'` uses the first operand that is not null or missing; literals are quoted
 *    with ' or ";
 *  - paths start at `user`, `organization` or `organization_membership`, and go through object
 *    keys and array indexes (`organization.domains.0.domain`).
 * Invariants: claim names are fixed text (never templated); the reserved claims the platform
 * sets (RESERVED_CLAIMS) can never come from a template; the template and its output are bounded
 * (MAX_TEMPLATE_CHARS, MAX_RENDERED_BYTES), so a template cannot blow up a token or a header.
 */

export const MAX_TEMPLATE_CHARS = 4096;
export const MAX_RENDERED_BYTES = 4096;
const MAX_EXPRESSIONS = 64;
const MAX_OPERANDS = 8;
const MAX_PATH_SEGMENTS = 8;
const MAX_LITERAL_CHARS = 256;

/** Claims the platform issues (and the registered JWT claims): a template may not set them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'org_id', 'role', 'roles', 'permissions', 'entitlements', 'feature_flags', 'act', 'scope', 'client_id']);

export const CONTEXT_ROOTS = ['user', 'organization', 'organization_membership'] as const;
export type ContextRoot = (typeof CONTEXT_ROOTS)[number];

/* Paths that are always objects or arrays: refused inside strings when the template is saved. */
const STRUCTURED_PATHS = new Set(['user', 'user.metadata', 'organization', 'organization.metadata', 'organization.domains', 'organization_membership', 'organization_membership.role', 'organization_membership.roles', 'organization_membership.custom_attributes']);

/* Stands for a templated piece of a string while the template's JSON shape is checked. */
const MARK = '\uE000';

type Operand = { kind: 'path'; path: string[] } | { kind: 'literal'; value: string };
interface Expression {
  operands: Operand[];
  /** Inside a JSON string (text interpolation) rather than a JSON value of its own. */
  inString: boolean;
}
export interface CompiledTemplate {
  parts: (string | Expression)[];
  /** The context roots the template reads: the caller fetches only those. */
  roots: ReadonlySet<ContextRoot>;
}

/** A template that cannot be saved, or that could not be rendered for one token. */
export class TemplateError extends Error {}

const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d{1,4})$/;

export function compileTemplate(source: string): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_CHARS) throw new TemplateError(`The template must be at most ${MAX_TEMPLATE_CHARS} characters.`);
  if (source.includes(MARK)) throw new TemplateError('The template contains a reserved character (U+E000).');
  const parts: (string | Expression)[] = [];
  const roots = new Set<ContextRoot>();
  let text = '';
  let inString = false;
  let escaped = false;
  let count = 0;
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith('{{', i)) {
      const end = source.indexOf('}}', i + 2);
      if (end === -1) throw new TemplateError('A {{ has no matching }}.');
      if (++count > MAX_EXPRESSIONS) throw new TemplateError(`The template may hold at most ${MAX_EXPRESSIONS} expressions.`);
      const expression = { operands: parseExpression(source.slice(i + 2, end)), inString };
      for (const o of expression.operands) {
        if (o.kind !== 'path') continue;
        roots.add(o.path[0] as ContextRoot);
        if (inString && STRUCTURED_PATHS.has(o.path.join('.'))) throw new TemplateError(`{{ ${o.path.join('.')} }} is an object or array and cannot be interpolated into a string.`);
      }
      if (text) parts.push(text);
      text = '';
      parts.push(expression);
      i = end + 1;
      continue;
    }
    const c = source[i]!;
    text += c;
    if (escaped) escaped = false;
    else if (inString && c === '\\') escaped = true;
    else if (c === '"') inString = !inString;
  }
  if (text) parts.push(text);
  const compiled = { parts, roots };
  checkShape(compiled);
  return compiled;
}

function parseExpression(raw: string): Operand[] {
  const operands: Operand[] = [];
  let rest = raw.trim();
  if (!rest) throw new TemplateError('An expression {{ }} is empty.');
  for (;;) {
    let operand: Operand;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const close = rest.indexOf(quote, 1);
      if (close === -1) throw new TemplateError(`A string literal in {{ ${raw.trim()} }} is not closed.`);
      const value = rest.slice(1, close);
      if (value.length > MAX_LITERAL_CHARS) throw new TemplateError(`String literals may be at most ${MAX_LITERAL_CHARS} characters.`);
      operand = { kind: 'literal', value };
      rest = rest.slice(close + 1).trim();
    } else {
      const m = /^[^\s|]+/.exec(rest);
      const path = (m?.[0] ?? '').split('.');
      if (!m || path.length > MAX_PATH_SEGMENTS || !path.every((s) => SEGMENT.test(s))) throw new TemplateError(`{{ ${raw.trim()} }} is not a path like user.email or a quoted string.`);
      if (!(CONTEXT_ROOTS as readonly string[]).includes(path[0]!)) throw new TemplateError(`{{ ${raw.trim()} }} must start with ${CONTEXT_ROOTS.join(', ')}.`);
      operand = { kind: 'path', path };
      rest = rest.slice(m[0].length).trim();
    }
    operands.push(operand);
    if (operands.length > MAX_OPERANDS) throw new TemplateError(`An expression may have at most ${MAX_OPERANDS} fallbacks.`);
    if (!rest) return operands;
    if (!rest.startsWith('||')) throw new TemplateError(`{{ ${raw.trim()} }}: operands are separated by ||.`);
    rest = rest.slice(2).trim();
    if (!rest) throw new TemplateError(`{{ ${raw.trim()} }} ends with ||.`);
  }
}

/** The template with every expression stubbed must be a JSON object with fixed, unreserved claim names. */
function checkShape(t: CompiledTemplate): void {
  const probe = t.parts.map((p) => (typeof p === 'string' ? p : p.inString ? MARK : 'null')).join('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(probe);
  } catch {
    throw new TemplateError('The template must be a JSON object once its {{ }} expressions are filled in.');
  }
  if (!isPlainObject(parsed)) throw new TemplateError('The template must be a JSON object.');
  const keys = allKeys(parsed);
  if (keys.some((k) => k.includes(MARK))) throw new TemplateError('Claim names cannot hold {{ }} expressions.');
  const reserved = Object.keys(parsed).filter((k) => RESERVED_CLAIMS.has(k));
  if (reserved.length) throw new TemplateError(`The template may not set the reserved claims ${reserved.join(', ')}.`);
}

function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
}

/** Renders the claims for one token. Throws TemplateError when the data makes the output invalid or too large. */
export function renderTemplate(t: CompiledTemplate, context: Partial<Record<ContextRoot, unknown>>): Record<string, unknown> {
  const out = t.parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const value = evaluate(p.operands, context);
      if (!p.inString) return JSON.stringify(value ?? null);
      if (value === null || value === undefined) return '';
      if (typeof value === 'object') throw new TemplateError('An object or array cannot be interpolated into a string.');
      return JSON.stringify(String(value)).slice(1, -1);
    })
    .join('');
  let claims: unknown;
  try {
    claims = JSON.parse(out);
  } catch {
    throw new TemplateError('The rendered template is not valid JSON.');
  }
  if (!isPlainObject(claims)) throw new TemplateError('The rendered template is not a JSON object.');
  for (const k of Object.keys(claims)) if (RESERVED_CLAIMS.has(k)) delete claims[k];
  if (Buffer.byteLength(JSON.stringify(claims)) > MAX_RENDERED_BYTES) throw new TemplateError(`The rendered claims exceed ${MAX_RENDERED_BYTES} bytes.`);
  return claims;
}

function evaluate(operands: Operand[], context: Partial<Record<ContextRoot, unknown>>): unknown {
  for (const o of operands) {
    const value = o.kind === 'literal' ? o.value : resolve(context, o.path);
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Own properties and array indexes only: `__proto__`, `constructor` and friends resolve to nothing. */
function resolve(root: unknown, path: string[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
