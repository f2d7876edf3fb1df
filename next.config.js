// Packages with native bindings or process-wide state stay outside the bundle, so the console
// route handlers and the CLI process share one mongoose/mongodb instance (see server/runtime).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // trpc-to-openapi tests `'coerce' in z` on zod's namespace, which webpack's export pruning would empty.
  serverExternalPackages: ['mongoose', 'mongodb', 'mongodb-client-encryption', 'pino', 'ssh2', 'tsx', 'trpc-to-openapi'],
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
