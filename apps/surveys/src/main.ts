import { runService } from '@crm/kernel';
import { surveysService } from './surveys.service';

runService(surveysService);
