import { Counter, Gauge, type Registry } from 'prom-client';

/** Prometheus series for the bus; one set per process registry. */
export class EventMetrics {
  readonly published: Counter<'type'>;
  readonly consumed: Counter<'durable' | 'outcome'>;
  readonly outboxBacklog: Gauge<'collection'>;

  constructor(registry: Registry) {
    this.published = new Counter({ name: 'crm_events_published_total', help: 'Events published to JetStream (duplicates excluded)', labelNames: ['type'], registers: [registry] });
    this.consumed = new Counter({ name: 'crm_events_consumed_total', help: 'Event deliveries handled, by outcome', labelNames: ['durable', 'outcome'], registers: [registry] });
    this.outboxBacklog = new Gauge({ name: 'crm_outbox_backlog', help: 'Documents holding events not yet published', labelNames: ['collection'], registers: [registry] });
  }
}
