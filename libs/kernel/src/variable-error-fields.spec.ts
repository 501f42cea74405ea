import { parse } from 'graphql';
import { argumentsOfVariables } from './variable-error-fields';

describe('argumentsOfVariables', () => {
  it('names the argument or input field path each variable is passed as', () => {
    const document = parse(`mutation($i: CreateCustomerInput!, $f: Filter, $n: Int, $unused: Int) {
      createCustomer(input: $i) { id }
      customers(filter: { region: $f, nested: { first: $n } }) { totalCount }
    }`);
    expect(Object.fromEntries(argumentsOfVariables(document))).toEqual({ i: 'input', f: 'filter.region', n: 'filter.nested.first' });
  });

  it('keeps the first use of a variable passed twice', () => {
    expect(argumentsOfVariables(parse('query($id: ID!) { a: customer(id: $id) { id } b: ticket(ticketId: $id) { id } }')).get('id')).toBe('id');
  });
});
