import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { apiClient, apiCommand, CliUsageError, type CliCommand, type CliContext } from '@wos/platform/cli';

/* `wos authkit settings|set`: the environment's AuthKit settings through the gateway (PATCH /user_management/authkit/settings). */

const PATH = '/user_management/authkit/settings';
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

/** `--logo FILE` becomes the data: URL the API stores; `--logo none` clears it. */
function logoOf(path: string): string | null {
  if (path === 'none') return null;
  const type = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!type) throw new CliUsageError('--logo must be a .png, .svg, .jpg or .webp file (or "none")');
  return `data:${type};base64,${readFileSync(path).toString('base64')}`;
}

function booleanOption(options: CliContext['options'], name: string): boolean | undefined {
  const v = options[name];
  if (typeof v !== 'string') return undefined;
  if (v !== 'true' && v !== 'false') throw new CliUsageError(`--${name} takes true or false`);
  return v === 'true';
}

const clearable = (v: unknown) => (v === undefined ? undefined : v === 'none' ? null : v);

function bodyOf(ctx: CliContext): Record<string, unknown> {
  const o = ctx.options;
  const branding = Object.fromEntries(
    Object.entries({ name: clearable(o.name), primary_color: clearable(o.color), custom_domain: clearable(o.domain), logo: typeof o.logo === 'string' ? logoOf(o.logo) : undefined }).filter(([, v]) => v !== undefined),
  );
  const email = Object.fromEntries(
    Object.entries({ from_name: clearable(o['from-name']), from_address: clearable(o['from-address']), reply_to: clearable(o['reply-to']), delivery: o['email-delivery'] }).filter(([, v]) => v !== undefined),
  );
  const body: Record<string, unknown> = {};
  if (typeof o['sign-up'] === 'string') body.sign_up_policy = o['sign-up'];
  const require = booleanOption(o, 'require-mfa');
  if (require !== undefined) body.require_mfa = require;
  const link = booleanOption(o, 'link-verified-email');
  if (link !== undefined) body.link_oauth_verified_email = link;
  if (Object.keys(branding).length) body.branding = branding;
  if (Object.keys(email).length) body.email = email;
  if (!Object.keys(body).length) throw new CliUsageError('nothing to set: give --sign-up, --require-mfa, --link-verified-email, --name, --logo, --color, --domain, --from-name, --from-address, --reply-to or --email-delivery');
  return body;
}

export const authkitCommands: CliCommand[] = [
  apiCommand('settings', "prints the environment's sign-up policy, MFA requirement, linking rule, branding and email settings", async (ctx) => {
    ctx.result(await apiClient(ctx).call('GET', PATH));
  }),
  apiCommand(
    'set',
    "changes the hosted pages' settings of the API key's environment",
    async (ctx) => {
      ctx.result(await apiClient(ctx).call('PATCH', PATH, bodyOf(ctx)));
    },
    {
      'sign-up': { type: 'string', value: 'POLICY', description: 'open, invitation_only or waitlist' },
      'require-mfa': { type: 'string', value: 'BOOL', description: 'true: users enrol in TOTP before a sign-in completes' },
      'link-verified-email': { type: 'string', value: 'BOOL', description: "true (default): an OAuth provider's verified email links a new identity to the user with that email; false: only the emailed code (or the organization's verified domain) does" },
      name: { type: 'string', value: 'NAME', description: 'the brand name on the pages ("none" clears it)' },
      logo: { type: 'string', value: 'FILE', description: 'a .png, .svg, .jpg or .webp logo, at most 48 KB ("none" clears it)' },
      color: { type: 'string', value: '#RRGGBB', description: 'the primary colour ("none" clears it)' },
      domain: { type: 'string', value: 'HOST', description: 'custom domain for links in emails, e.g. auth.example.com ("none" clears it)' },
      'from-name': { type: 'string', value: 'NAME', description: 'the display name of the emails ("none": the service default)' },
      'from-address': { type: 'string', value: 'ADDRESS', description: 'the From address, on MAIL_FROM\'s domain or one of MAIL_SENDER_DOMAINS ("none": the default)' },
      'reply-to': { type: 'string', value: 'ADDRESS', description: 'the Reply-To address of the emails ("none" clears it)' },
      'email-delivery': { type: 'string', value: 'MODE', description: 'platform, or own_provider: the app sends the magic auth, verification, reset and invitation emails from the events' },
    },
  ),
];
