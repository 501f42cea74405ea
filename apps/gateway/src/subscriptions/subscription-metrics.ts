import { Counter, Gauge, type Registry } from 'prom-client';

/** Why an event was not delivered to one subscriber. */
export type FilteredReason = 'type' | 'severity' | 'customer' | 'not_visible' | 'unreadable';

/** Prometheus series of the complaint subscriptions, registered on the gateway's registry. */
export class SubscriptionMetrics {
  readonly connections: Gauge;
  readonly active: Gauge;
  readonly natsConnected: Gauge;
  readonly delivered: Counter;
  readonly filtered: Counter<'reason'>;
  readonly busConsumers: Gauge;
  readonly lookups: Counter;
  readonly lookupsShared: Counter;
  readonly overflows: Counter;

  constructor(registry: Registry) {
    this.connections = new Gauge({ name: 'gateway_websocket_connections', help: 'Open graphql-ws connections', registers: [registry] });
    this.active = new Gauge({ name: 'gateway_subscriptions_active', help: 'Running complaint-event subscriptions (all fed by the one shared JetStream consumer)', registers: [registry] });
    // Reported, not gating /readyz: a NATS outage stops subscriptions only, and queries must keep flowing (ADR 0004).
    this.natsConnected = new Gauge({ name: 'gateway_subscriptions_nats_connected', help: '1 while the gateway is connected to NATS (complaint subscriptions available)', registers: [registry] });
    this.delivered = new Counter({ name: 'gateway_subscription_events_delivered_total', help: 'Complaint events sent to a subscriber', registers: [registry] });
    this.filtered = new Counter({
      name: 'gateway_subscription_events_filtered_total',
      help: "Complaint events not sent to a subscriber: its filter (type, severity, customer), the ticket is out of the subscriber's reach (not_visible), or the message is not a complaint event (unreadable)",
      labelNames: ['reason'],
      registers: [registry],
    });
    this.busConsumers = new Gauge({
      name: 'gateway_subscriptions_bus_consumers',
      help: 'JetStream consumers this gateway holds for subscriptions: the shared one (0 or 1) plus catch-ups of resuming or overflowed subscribers',
      registers: [registry],
    });
    this.lookups = new Counter({ name: 'gateway_subscription_lookups_total', help: 'Federated ticket lookups made for subscribers (retries included)', registers: [registry] });
    this.lookupsShared = new Counter({
      name: 'gateway_subscription_lookups_shared_total',
      help: 'Subscriber deliveries that reused the lookup of another subscriber of the same identity and ticket query for the same event',
      registers: [registry],
    });
    this.overflows = new Counter({
      name: 'gateway_subscription_overflows_total',
      help: 'Times a subscriber fell behind its queue bound and left the shared feed to read on from the stream alone',
      registers: [registry],
    });
  }
}
