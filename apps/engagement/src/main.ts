import { runService } from '@crm/kernel';
import { engagementService } from './engagement.service';

runService(engagementService);
