import type { Caller } from '@crm/auth';
import { definePlugin, pluginToken, type RequestContext } from '@crm/kernel';
import { CustomerAccess, type GrantSource, type PersonalDataAudit } from './customer-access';

export interface AccessService {
  /** The caller's view for this request (memoised per request). */
  forRequest(context: RequestContext, caller: Caller): CustomerAccess;
}

export const accessToken = pluginToken<AccessService>('accounts.access');

// Until access requests and the audit log exist, nobody holds a grant and nothing is recorded.
const noGrants: GrantSource = { activeGrants: async () => [] };
const noAudit: PersonalDataAudit = { recordRead: () => undefined };

/** Confidentiality of the archive: who may read which customers, and the trail of personal-data reads. */
export const accessPlugin = definePlugin({
  name: 'access',
  sdl: [],
  register({ clock, provide }) {
    const perRequest = new WeakMap<RequestContext, CustomerAccess>();
    provide(accessToken, {
      forRequest(context, caller) {
        let access = perRequest.get(context);
        if (!access) {
          access = new CustomerAccess(caller, noGrants, noAudit, () => clock.now());
          perRequest.set(context, access);
        }
        return access;
      },
    });
    return { resolvers: {} };
  },
});
