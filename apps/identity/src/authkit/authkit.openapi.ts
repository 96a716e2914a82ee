import type { RouteDoc } from '@wos/platform';
import { updateAuthkitSettingsSchema } from './branding/authkit-settings.dto';
import { createDeviceSchema, deviceAuthorizationWireSchema } from '../device-flow/device-flow.dto';

/** AuthKit's browser routes (no API key; the gateway checks client_id and redirect_uri). */
export const authkitOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/user_management/authorize', summary: 'Start an AuthKit sign-in (browser): the hosted sign-in page, or 302 to the SSO or OAuth provider', status: 302 },
  { method: 'post', path: '/user_management/authorize/password', summary: "The hosted sign-in page's form post (flow cookie + csrf_token): 302 to the redirect_uri with a code, or the next step's page", status: 302 },
  // The other hosted pages (HTML, browser only): sign-in, sign-up, verify-email, magic/code, sso,
  // provider, forgot-password, reset-password, mfa, mfa/enroll, organization. See docs/ARCHITECTURE.md.
  { method: 'get', path: '/user_management/authkit/settings', summary: "Our extension: the environment's sign-up policy, MFA requirement, branding and email settings (sender, delivery)" },
  { method: 'patch', path: '/user_management/authkit/settings', summary: "Our extension: change the hosted pages' settings (fields left out keep their value; null clears a branding or email field; email: null resets the email settings)", body: updateAuthkitSettingsSchema },
  { method: 'post', path: '/user_management/authorize/device', summary: 'Start an OAuth 2.0 device authorization (RFC 8628); the device then polls /user_management/authenticate with grant_type urn:ietf:params:oauth:grant-type:device_code', body: createDeviceSchema, response: deviceAuthorizationWireSchema },
  { method: 'get', path: '/user_management/authorize/verify-device', summary: 'The device verification page (browser; verification_uri): enter the user code, sign in, allow or deny the device' },
  { method: 'get', path: '/user_management/sso/callback', summary: "SSO's redirect back into AuthKit (browser): 302 to the app's redirect_uri with a code", status: 302 },
];
