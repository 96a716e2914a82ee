/** A SCIM client as an IdP uses it: one directory's base URL and bearer token. */
export interface ScimResult {
  status: number;
  body: any;
  contentType: string;
  location: string | null;
}

export class ScimClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    private readonly contentType = 'application/scim+json',
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimResult> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': this.contentType } : {}),
        accept: 'application/scim+json',
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, contentType: res.headers.get('content-type') ?? '', location: res.headers.get('location') };
  }

  /** Calls and asserts the status, returning the body. */
  async expect(status: number, method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  withToken(token: string): ScimClient {
    return new ScimClient(this.baseUrl, token, this.contentType);
  }

  withContentType(contentType: string): ScimClient {
    return new ScimClient(this.baseUrl, this.token, contentType);
  }
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function patch(...Operations: unknown[]) {
  return { schemas: [PATCH_OP], Operations };
}
