import { createService } from '@crm/kernel';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { accessPlugin } from './access/access.plugin';
import { acquisitionPlugin } from './acquisition/acquisition.plugin';
import { badCustomerCasesPlugin } from './bad-customer-cases/bad-customer-cases.plugin';
import { classificationPlugin } from './classification/classification.plugin';
import { customerImportPlugin } from './customer-import/customer-import.plugin';
import { customersPlugin } from './customers/customers.plugin';
import { duplicatesPlugin } from './duplicates/duplicates.plugin';
import { filingPlugin } from './filing/filing.plugin';
import { handoverPlugin } from './handover/handover.plugin';
import { listReviewPlugin } from './list-review/list-review.plugin';
import { organisationPlugin } from './organisation/organisation.plugin';
import { qualificationPlugin } from './qualification/qualification.plugin';
import { viewerPlugin } from './viewer/viewer.plugin';

/** accounts: the customer archive, consultants and departments (docs/domain/accounts.md). */
export const accountsService = createService({
  name: 'accounts',
  plugins: [workingCalendarPlugin('accounts'), organisationPlugin, accessPlugin, customersPlugin, classificationPlugin, badCustomerCasesPlugin, acquisitionPlugin, filingPlugin, listReviewPlugin, qualificationPlugin, duplicatesPlugin, customerImportPlugin, handoverPlugin, viewerPlugin],
});
