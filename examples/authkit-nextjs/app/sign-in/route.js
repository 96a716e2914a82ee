import { getSignInUrl } from '@workos-inc/authkit-nextjs';
import { redirect } from 'next/navigation';

// The "initiate login" route: a fresh PKCE verifier cookie, then the hosted AuthKit page.
export const GET = async () => redirect(await getSignInUrl());
