// One jest run for the whole workspace: sources are compiled by SWC on the fly, types are checked
// separately by `npm run typecheck`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'es6' },
  },
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@ratchet/(pss|contracts|db|jobs|alerts|collector)$': '<rootDir>/libs/$1/src/index.ts',
    '^@ratchet/pss/evaluator$': '<rootDir>/libs/pss/src/evaluator.ts',
    '^@ratchet/cluster-sim$': '<rootDir>/apps/cluster-sim/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs}/*/{src,test}/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/apps/.*/dist/', '<rootDir>/libs/.*/dist/'],
  testTimeout: 30000,
};
