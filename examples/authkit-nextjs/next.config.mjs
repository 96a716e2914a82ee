/** Nothing WorkOS-specific: the configuration is the WORKOS_* variables at run time. */
const nextConfig = { poweredByHeader: false };
export default nextConfig;
