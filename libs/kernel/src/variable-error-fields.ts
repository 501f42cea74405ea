import type { ApolloServerPlugin } from '@apollo/server';
import { visit, type DocumentNode } from 'graphql';

/**
 * A variable the schema's types refuse (a malformed DateTime, say) is reported by GraphQL before any resolver runs,
 * as `Variable "$i" got invalid value … at "i.organisation.establishedOn"`. This names it as resolvers name their
 * own input errors: `field` is the argument's path (`input.organisation.establishedOn`), whatever the client
 * called its variable.
 */
export function variableErrorFields<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ document, errors }) {
          if (!document) return;
          const argumentOf = argumentsOfVariables(document);
          for (const error of errors) {
            if (error.extensions.field !== undefined) continue;
            const match = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; /.exec(error.message);
            if (!match) continue;
            const [, variable, at] = match;
            const rest = at ? at.split('.').slice(1) : [];
            (error.extensions as Record<string, unknown>).field = [argumentOf.get(variable) ?? variable, ...rest].join('.');
          }
        },
      };
    },
  };
}

/** variable name → the argument (or input field path) it is passed as, e.g. `i` → `input`. */
export function argumentsOfVariables(document: DocumentNode): Map<string, string> {
  const found = new Map<string, string>();
  const within: string[] = [];
  visit(document, {
    Argument: {
      enter: (node) => void within.push(node.name.value),
      leave: () => void within.pop(),
    },
    ObjectField: {
      enter: (node) => void within.push(node.name.value),
      leave: () => void within.pop(),
    },
    Variable: (node) => {
      // Variable definitions sit outside any argument and add nothing.
      if (within.length > 0 && !found.has(node.name.value)) found.set(node.name.value, within.join('.'));
    },
  });
  return found;
}
