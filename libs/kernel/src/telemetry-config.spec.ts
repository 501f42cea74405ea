import { tracingEnabled } from '@crm/telemetry';
import { ConfigError, loadConfig, processConfigSchema } from './config';

// The OTEL_* variables are read with every process's config: unset they leave tracing off, a bad value stops the
// start naming the variable, like any other setting.
describe('OTEL_* variables in the process config', () => {
  it('leaves tracing off when none is set', () => {
    const config = loadConfig(processConfigSchema, {});
    expect(config.OTEL_SDK_DISABLED).toBe(false);
    expect(tracingEnabled(config)).toBe(false);
  });

  it('reads an endpoint, an exporter, a sampler and the kill switch', () => {
    const on = loadConfig(processConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect(tracingEnabled(on)).toBe(true);
    expect(on).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect(tracingEnabled(loadConfig(processConfigSchema, { OTEL_TRACES_EXPORTER: 'console' }))).toBe(true);
    expect(tracingEnabled(loadConfig(processConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318', OTEL_SDK_DISABLED: 'true' }))).toBe(false);
  });

  it.each([
    ['OTEL_TRACES_EXPORTER', 'zipkin'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'tempo:4318'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'not a url'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_SDK_DISABLED', 'yes'],
  ])('refuses %s=%s, naming it', (variable, value) => {
    expect(() => loadConfig(processConfigSchema, { [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig(processConfigSchema, { [variable]: value })).toThrow(new RegExp(`${variable}=`));
  });
});
