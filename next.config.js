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
  // Browsers ask for /favicon.ico on their own (Chromium on some navigations even with the icon link): the console's
  // icon answers it, not a 404 in the browser's console.
  async rewrites() {
    return [{ source: '/favicon.ico', destination: '/icon.svg' }];
  },
};

module.exports = nextConfig;
