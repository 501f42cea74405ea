import graphqlPlugin from '@graphql-eslint/eslint-plugin';
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
  {
    // The subgraph SDL: everything a client can see carries a description (types, fields incl. root fields, arguments,
    // input fields, enum values). The generated supergraph and client schema are not linted: they are composed from these.
    // The rule reads only the file's syntax, so no schema is loaded (`schema: ''`, and no graphql.config on disk is
    // consulted): the federation directives (@key, @shareable, @link ...) need no definitions, and each file lints alone.
    files: ['schema/*/*.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: '' } } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      '@graphql-eslint/require-description': [
        'error',
        { types: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true },
      ],
    },
  },
];

function moduleBoundaries({ productCodeMayUseTooling }) {
  const forProductCode = productCodeMayUseTooling ? ['type:lib', 'type:tooling'] : ['type:lib'];
  return {
    allow: [],
    enforceBuildableLibDependency: false,
    // A lib's tests use the tooling libs, which use that lib's product code: a cycle only through tests (product code
    // never imports tooling, above), seen since nx.json turns on import analysis for `nx affected`.
    ignoredCircularDependencies: [['tag:type:tooling', '*']],
    // Tests import a lib lazily now and then (`await import('@crm/testing')`); there are no lazy-loaded bundles to protect.
    checkDynamicDependenciesExceptions: ['@crm/*'],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: forProductCode },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: forProductCode },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:tooling'] },
    ],
  };
}
