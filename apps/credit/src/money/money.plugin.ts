import { SafeIntResolver } from 'graphql-scalars';
import { definePlugin } from '../define-plugin';

/** The types credit's ledgers share: Money (integer minor units and a currency), SafeInt, Date, SalesShare. */
export const moneyPlugin = definePlugin({
  name: 'money',
  sdl: ['money.graphql'],
  register: () => ({ resolvers: { SafeInt: SafeIntResolver } }),
});
