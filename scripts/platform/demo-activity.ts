// Demo activity in the other subgraphs: tickets (service-desk), and whatever engagement, surveys and credit record.
import { callWhenKnown } from './demo-data';

const matters = [
  { type: 'COMPLAINT', severity: 'HIGH', channel: 'HOTLINE', matter: 'Delivered pumps leak at the flange', product: 'P-100 pump' },
  { type: 'COMPLAINT', severity: 'MEDIUM', channel: 'EMAIL', matter: 'Invoice amount differs from the quotation', product: null },
  { type: 'SERVICE_REQUEST', severity: 'LOW', channel: 'ONLINE', matter: 'Annual maintenance visit requested', product: 'C-20 compressor' },
  { type: 'FAULT', severity: 'CRITICAL', channel: 'PHONE', matter: 'Production line stopped after controller fault', product: 'X-7 controller' },
  { type: 'INQUIRY', severity: 'LOW', channel: 'VISIT', matter: 'Asks about the new product catalogue', product: null },
  { type: 'REPAIR', severity: 'MEDIUM', channel: 'PHONE', matter: 'Gearbox noise after 2,000 hours', product: 'G-5 gearbox' },
];

export async function seedDemoActivity(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  let tickets = 0;
  for (const [i, customerId] of customers.slice(0, 18).entries()) {
    const m = matters[i % matters.length];
    await callWhenKnown(
      gatewayUrl,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }',
      { i: { customerId, ...m, complainant: { name: `Contact of customer ${i + 1}`, contact: '+86 21 5555 0000' } } },
      tokens.serviceAgent,
    );
    tickets += 1;
  }
  log(`seeded ${tickets} tickets`);
}
