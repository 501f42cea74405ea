import { runService } from '@crm/kernel';
import { accountsService } from './accounts.service';

runService(accountsService);
