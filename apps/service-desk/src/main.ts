import { runService } from '@crm/kernel';
import { serviceDeskService } from './service-desk.service';

runService(serviceDeskService);
