import { authkitProxy } from '@workos-inc/authkit-nextjs';

// The redirect URI is read when the server runs (NEXT_PUBLIC_WORKOS_REDIRECT_URI would be fixed
// at build time), so one build serves any host and port.
export default authkitProxy({ redirectUri: process.env.WORKOS_REDIRECT_URI });

export const config = { matcher: ['/', '/callback', '/sign-in'] };
