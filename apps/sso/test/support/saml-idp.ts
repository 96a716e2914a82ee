import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as samlify from 'samlify';
import { newKeyPair, type KeyPair } from './keys';

// samlify insists on a schema validator; the SP under test does its own validation.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface SamlUser {
  nameId: string;
  attributes: Record<string, string | string[]>;
}

/** Values a test may bend to craft a response the SP must refuse. `null` drops an XML attribute. */
export interface ResponseOverrides {
  inResponseTo?: string | null;
  audience?: string;
  recipient?: string;
  destination?: string | null;
  issuer?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** The bearer SubjectConfirmationData's own bounds (default: NotOnOrAfter = notOnOrAfter, no NotBefore); null drops NotOnOrAfter. */
  subjectNotOnOrAfter?: Date | null;
  subjectNotBefore?: Date;
  assertionId?: string;
}

/**
 * The IdP encrypts each assertion to the SP's encryption certificate (from the SP metadata it
 * trusts), with these XML Encryption algorithm URIs (default AES-256-CBC under RSA-OAEP).
 * `thenSignResponse` signs the Response over the EncryptedAssertion; otherwise the assertion is
 * signed inside the encryption (trust with `signAssertion`), as Okta and ADFS do.
 */
export interface AssertionEncryption {
  data?: string;
  key?: string;
  thenSignResponse?: boolean;
}

/**
 * A SAML IdP built on samlify, issuing real signed responses. It serves its SSO URL over HTTP:
 * GET /sso with a (possibly signed) redirect-binding AuthnRequest answers with the auto-posting
 * form a browser would get, for `user`.
 */
export class TestSamlIdp {
  user: SamlUser = { nameId: 'alice@example.com', attributes: {} };
  /** The last AuthnRequest ID the IdP parsed (it answers it with InResponseTo). */
  lastRequestId?: string;
  /** Bends the responses of the browser flow (an IdP whose clock is off, …); empty by default. */
  browserOverrides: ResponseOverrides = {};
  private sp?: ReturnType<typeof samlify.ServiceProvider>;
  private spAcs = '';
  private spEntityId = '';

  private constructor(
    readonly entityId: string,
    readonly keys: KeyPair,
    readonly idp: ReturnType<typeof samlify.IdentityProvider>,
    private readonly server: Server,
    readonly ssoUrl: string,
    private readonly encryptThenSign: boolean,
  ) {}

  static async start(opts: { wantAuthnRequestsSigned?: boolean; keys?: KeyPair; entityId?: string; encryption?: AssertionEncryption } = {}): Promise<TestSamlIdp> {
    const keys = opts.keys ?? (await newKeyPair('samlify-idp'));
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const entityId = opts.entityId ?? `${base}/metadata`;
    const idp = samlify.IdentityProvider({
      entityID: entityId,
      privateKey: keys.privateKey,
      signingCert: keys.cert,
      wantAuthnRequestsSigned: opts.wantAuthnRequestsSigned ?? false,
      singleSignOnService: [
        { Binding: samlify.Constants.namespace.binding.redirect, Location: `${base}/sso` },
        { Binding: samlify.Constants.namespace.binding.post, Location: `${base}/sso` },
      ],
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      ...(opts.encryption
        ? {
            isAssertionEncrypted: true,
            dataEncryptionAlgorithm: opts.encryption.data ?? samlify.Constants.algorithms.encryption.data.AES_256,
            keyEncryptionAlgorithm: opts.encryption.key ?? samlify.Constants.algorithms.encryption.key.RSA_OAEP_MGF1P,
          }
        : {}),
    });
    const t = new TestSamlIdp(entityId, keys, idp, server, `${base}/sso`, opts.encryption?.thenSignResponse ?? false);
    server.on('request', (req, res) => {
      t.handle(req.url ?? '/').then(
        (html) => {
          res.setHeader('content-type', 'text/html');
          res.end(html);
        },
        (err: Error) => {
          res.statusCode = 400;
          res.end(`IdP refused the request: ${err.message} ${process.env.SSO_TEST_DEBUG ? err.stack : ""}`);
        },
      );
    });
    return t;
  }

  metadataXml(): string {
    return this.idp.getMetadata();
  }

  /** Trusts our SP from its metadata; `signAssertion` makes samlify sign the assertion instead of the message. */
  trust(spMetadataXml: string, opts: { signAssertion?: boolean } = {}): void {
    const metadata = opts.signAssertion
      ? spMetadataXml.replace(/ WantAssertionsSigned="[^"]*"/, '').replace('<SPSSODescriptor ', '<SPSSODescriptor WantAssertionsSigned="true" ')
      : spMetadataXml;
    this.sp = samlify.ServiceProvider({ metadata, wantMessageSigned: !opts.signAssertion });
    this.spAcs = /AssertionConsumerService[^>]*Location="([^"]+)"/.exec(spMetadataXml)![1]!;
    this.spEntityId = /entityID="([^"]+)"/.exec(spMetadataXml)![1]!;
  }

  private async handle(url: string): Promise<string> {
    const u = new URL(url, 'http://idp');
    if (u.pathname !== '/sso') throw new Error('not found');
    const octetString = url.split('?')[1]!.split('&').filter((p) => !p.startsWith('Signature=')).join('&');
    const query = Object.fromEntries(u.searchParams);
    const parsed = await this.idp.parseLoginRequest(this.sp!, 'redirect', { query, octetString });
    this.lastRequestId = parsed.extract.request!.id as string;
    const samlResponse = await this.respond({ ...this.browserOverrides, inResponseTo: this.lastRequestId });
    const relay = u.searchParams.get('RelayState') ?? '';
    const acs = this.spAcs;
    return `<html><body onload="document.forms[0].submit()"><form method="post" action="${esc(acs)}">
<input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"/><input type="hidden" name="RelayState" value="${esc(relay)}"/>
</form></body></html>`;
  }

  /** A signed, base64 SAMLResponse for `user` (default this.user), optionally bent by `o`. */
  async respond(o: ResponseOverrides = {}, user: SamlUser = this.user): Promise<string> {
    const sp = this.sp!;
    const acs = this.spAcs;
    const now = new Date();
    const notOnOrAfter = o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const id = `_${randomBytes(16).toString('hex')}`;
    const attributes = Object.entries(user.attributes)
      .map(([name, v]) => `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified">${[v]
        .flat()
        .map((x) => `<saml:AttributeValue xsi:type="xs:string">${esc(x)}</saml:AttributeValue>`)
        .join('')}</saml:Attribute>`)
      .join('');
    const values = {
      ID: id,
      AssertionID: o.assertionId ?? `_${randomBytes(16).toString('hex')}`,
      Destination: o.destination === undefined ? acs : o.destination,
      Audience: o.audience ?? this.spEntityId,
      SubjectRecipient: o.recipient ?? acs,
      Issuer: o.issuer ?? this.entityId,
      IssueInstant: now.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: (o.notBefore ?? new Date(now.getTime() - 1000)).toISOString(),
      ConditionsNotOnOrAfter: notOnOrAfter.toISOString(),
      SubjectConfirmationDataNotOnOrAfter: (o.subjectNotOnOrAfter ?? notOnOrAfter).toISOString(),
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: user.nameId,
      InResponseTo: o.inResponseTo === undefined ? (this.lastRequestId ?? null) : o.inResponseTo,
    };
    const authn = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    const confirmation = (template: string) => {
      let t = template;
      if (o.subjectNotOnOrAfter === null) t = t.replace(' NotOnOrAfter="{SubjectConfirmationDataNotOnOrAfter}"', '');
      if (o.subjectNotBefore) t = t.replace('<saml:SubjectConfirmationData ', `<saml:SubjectConfirmationData NotBefore="${o.subjectNotBefore.toISOString()}" `);
      return t;
    };
    const { context } = await this.idp.createLoginResponse(sp, { extract: { request: { id: values.InResponseTo ?? '' } } }, 'post', { email: user.nameId }, (template: string) => ({
      id,
      context: samlify.SamlLib.replaceTagsByValue(
        confirmation(template).replace('{AuthnStatement}', authn).replace('{AttributeStatement}', attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : ''),
        values as Record<string, unknown> as Record<string, string>,
      ),
    }), this.encryptThenSign);
    return context as string;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
