// A Stryker reporter that holds every measured file, not just the total, to `thresholds.break`: the run fails
// (exit code 1) and names each file whose mutation score is below it.
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Leaves of Stryker's metrics tree are the files. */
function* files(result) {
  if (result.file) yield result;
  for (const child of result.childResults ?? []) yield* files(child);
}

class PerFileThresholdReporter {
  static inject = [commonTokens.logger, commonTokens.options];

  constructor(logger, options) {
    this.logger = logger;
    this.threshold = options.thresholds.break;
  }

  onMutationTestReportReady(_report, metrics) {
    if (typeof this.threshold !== 'number') return;
    // A file whose every mutant was set aside (compile errors, ignored) has no score to hold.
    const below = [...files(metrics.systemUnderTestMetrics)].filter(({ metrics: m }) => !Number.isNaN(m.mutationScore) && m.mutationScore < this.threshold);
    for (const { name, metrics: m } of below) this.logger.error(`${name}: mutation score ${m.mutationScore.toFixed(2)} is under the per-file threshold ${this.threshold}`);
    if (below.length > 0) process.exitCode = 1;
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'per-file-threshold', PerFileThresholdReporter)];
