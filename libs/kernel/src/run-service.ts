import { ConfigError } from './config';
import type { RunningService, StartOptions } from './service';

/** Process entry point for one service: start, stop gracefully on SIGTERM/SIGINT, exit 1 naming bad config. */
export function runService(service: { name: string; start(options?: StartOptions): Promise<Pick<RunningService, 'stop' | 'logger'>> }): void {
  service
    .start()
    .then((running) => {
      const shutdown = (signal: string) => {
        running.logger.info({ signal }, 'shutting down');
        running.stop().then(
          () => process.exit(0),
          (error) => {
            running.logger.error({ err: error }, 'unclean shutdown');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    })
    .catch((error) => {
      if (error instanceof ConfigError) console.error(`${service.name}: ${error.message}`);
      else console.error(`${service.name} failed to start:`, error);
      process.exit(1);
    });
}
