import { loadConfig, runService } from '@crm/kernel';
import { startGateway } from './gateway';
import { gatewayConfigSchema } from './gateway.config';

// Config is read inside start so a bad value ends the process with exit 1 and a message naming the variable.
runService({ name: 'gateway', start: () => startGateway({ config: loadConfig(gatewayConfigSchema) }) });
