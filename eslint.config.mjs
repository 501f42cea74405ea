import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.nx/**', '**/generated/**', 'infra/**', 'jest.*.js', '**/jest.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `any` stays visible in review (heterogeneous plugin and model lists, GraphQL test payloads) without failing the build.
      '@typescript-eslint/no-explicit-any': 'warn',
      // Services meet only in the graph and on the bus: an app never imports another app, libs never import apps.
      // Product code never imports tooling (libs/testing, libs/dev-servers): it would ship test and dev-server code.
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ productCodeMayUseTooling: false })],
    },
  },
  {
    // Tests may use the tooling libs; they still may not import another app.
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ productCodeMayUseTooling: true })] },
  },
];

function moduleBoundaries({ productCodeMayUseTooling }) {
  const forProductCode = productCodeMayUseTooling ? ['type:lib', 'type:tooling'] : ['type:lib'];
  return {
    allow: [],
    enforceBuildableLibDependency: false,
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: forProductCode },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: forProductCode },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
    ],
  };
}
