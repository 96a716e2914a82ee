import type { RouteDoc } from '@wos/platform';

/** AuthKit's browser routes (no API key; the gateway checks client_id and redirect_uri). */
export const authkitOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/user_management/authorize', summary: 'Start an AuthKit sign-in (browser): the hosted sign-in page, or 302 to the SSO or OAuth provider', status: 302 },
  { method: 'post', path: '/user_management/authorize/password', summary: "The hosted sign-in page's form post: 302 to the redirect_uri with a code", status: 302 },
  { method: 'get', path: '/user_management/sso/callback', summary: "SSO's redirect back into AuthKit (browser): 302 to the app's redirect_uri with a code", status: 302 },
];
