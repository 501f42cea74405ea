import type { Caller } from '@crm/auth';
import { pluginToken, type RequestContext } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { CustomerRecord } from '../customers/customer.model';
import { organisationToken } from '../organisation/organisation.plugin';
import { AccessGrantSource } from './access-grant-source';
import { accessRequestModel } from './access-request.model';
import { AccessRequestsService, type CustomerScopeLookup } from './access-requests.service';
import { accessResolvers } from './access.resolvers';
import { CustomerAccess } from './customer-access';
import { BufferedPersonalDataAudit } from './personal-data-audit';
import { personalDataReadModel } from './personal-data-read.model';
import { PersonalDataReadsService } from './personal-data-reads.service';

export interface AccessService {
  /** The caller's view for this request (memoised per request). */
  forRequest(context: RequestContext, caller: Caller): CustomerAccess;
}

export const accessToken = pluginToken<AccessService>('accounts.access');

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().positive().max(max).default(fallback);

/** The access plugin's config slice (read once with the service's config; a bad value stops the service naming it). */
export const accessConfig = z.object({
  ACCESS_GRANT_MAX_DAYS: positiveInt(90, 366).describe('The longest an access grant may last, in days from the request.'),
  PERSONAL_DATA_AUDIT_FLUSH_MS: positiveInt(200, 60_000).describe('How long a personal-data read may wait in memory before its audit batch is written.'),
  PERSONAL_DATA_AUDIT_MAX_BATCH: positiveInt(500, 10_000).describe('An audit batch this large is written at once.'),
  PERSONAL_DATA_AUDIT_MAX_BUFFER: positiveInt(50_000, 1_000_000).describe('Reads kept in memory while the audit log cannot be written; beyond it the oldest are logged and dropped.'),
});

/** Confidentiality of the archive: who may read which customers, access requests and grants, and the trail of personal-data reads. */
export const accessPlugin = definePlugin({
  name: 'access',
  uses: [organisationToken],
  provides: [accessToken],
  sdl: ['access.graphql'],
  config: accessConfig,
  register({ connection, clock, config, logger, metrics, provide, use }) {
    const { organisation, loaders: organisationLoaders } = use(organisationToken);
    const AccessRequest = accessRequestModel(connection);
    const PersonalDataRead = personalDataReadModel(connection);

    // The customers plugin registers after this one (it depends on access), so its model is looked up when used.
    const customerScope: CustomerScopeLookup = (id) =>
      Types.ObjectId.isValid(id)
        ? (connection.model('Customer') as Model<CustomerRecord>).findById(id, { ownerId: 1, departmentId: 1, partnerIds: 1 }).lean<Pick<CustomerRecord, '_id' | 'ownerId' | 'departmentId' | 'partnerIds'>>().exec()
        : Promise.resolve(null);

    const requests = new AccessRequestsService(AccessRequest, organisation, customerScope, clock, { maxGrantDays: config.ACCESS_GRANT_MAX_DAYS });
    const grants = new AccessGrantSource(AccessRequest);
    const audit = new BufferedPersonalDataAudit(
      { insertMany: (records) => PersonalDataRead.insertMany(records, { ordered: false, lean: true }) },
      {
        logger,
        metrics,
        flushMs: config.PERSONAL_DATA_AUDIT_FLUSH_MS,
        maxBatch: config.PERSONAL_DATA_AUDIT_MAX_BATCH,
        maxBuffer: config.PERSONAL_DATA_AUDIT_MAX_BUFFER,
      },
    );

    const perRequest = new WeakMap<RequestContext, CustomerAccess>();
    provide(accessToken, {
      forRequest(context, caller) {
        let access = perRequest.get(context);
        if (!access) {
          access = new CustomerAccess(caller, grants, audit, () => clock.now(), context.requestId);
          perRequest.set(context, access);
        }
        return access;
      },
    });
    return {
      resolvers: accessResolvers(requests, new PersonalDataReadsService(PersonalDataRead), organisationLoaders),
      models: [AccessRequest, PersonalDataRead],
      // Runs after the HTTP server stopped taking requests: the last reads are written before Mongo closes.
      onStop: () => audit.stop(),
    };
  },
});
