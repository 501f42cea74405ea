import { runService } from '@crm/kernel';
import { creditService } from './credit.service';

runService(creditService);
