import type { NextConfig } from 'next';

const config: NextConfig = {
  // Built into dist/ like the other apps, so nx caches one output folder per project.
  distDir: 'dist',
  reactStrictMode: true,
  poweredByHeader: false,
  // The workspace's contracts are TypeScript sources resolved through the `@ratchet/source` condition.
  transpilePackages: ['@ratchet/contracts'],
  // Types are checked by this build; eslint runs from the workspace root.
  typedRoutes: false,
};

export default config;
