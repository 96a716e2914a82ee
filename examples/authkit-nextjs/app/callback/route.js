import { handleAuth } from '@workos-inc/authkit-nextjs';

// AuthKit's redirect back: exchanges the code (with the API key) and sets the session cookie.
export const GET = handleAuth({ returnPathname: '/' });
