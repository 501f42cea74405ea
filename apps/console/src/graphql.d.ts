// esbuild loads the .graphql operation files as text (loader '.graphql': 'text'); gql() parses them.
declare module '*.graphql' {
  const source: string;
  export default source;
}
