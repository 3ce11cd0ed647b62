// Operation types come from the server's checked-in schema snapshot (the one SchemaSnapshotTests guards), so a schema
// change that breaks a designer query fails `npm run build` instead of a screen at run time.
import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

const snapshot = new URL(
  '../tests/Respond.Server.Tests/GraphQL/__snapshots__/SchemaSnapshotTests.Schema_Printed_MatchesSnapshot.snap',
  import.meta.url,
);

const config: CodegenConfig = {
  // The snapshot is printed SDL in a .snap file (which no loader claims by extension): passed as SDL text, without its BOM.
  schema: readFileSync(snapshot, 'utf8').replace(/^\uFEFF/, ''),
  documents: ['src/**/*.ts', 'src/**/*.tsx', '!src/api/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/api/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        scalars: { DateTime: 'string', JSON: { input: 'unknown', output: '../types#Json' }, Long: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
        defaultScalarType: 'unknown',
      },
    },
  },
};

export default config;
