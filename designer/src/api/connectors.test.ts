import { describe, expect, it } from 'vitest';
import { connectorSpec, formFromSettings, settingsFromForm } from './connectors';

describe('connection settings from the connect form', () => {
  it("sends only the chosen connector's keys, typed, without blanks", () => {
    const spec = connectorSpec('SIMULATED');
    const { settings, errors } = settingsFromForm(spec, {
      simulateStatus: 'HEALTHY',
      delayMs: ' 250 ',
      failTargets: 'ws-3, ws-4,',
      failVerification: 'true',
      apiKey: 'left over from another connector',
    });
    expect(errors).toEqual([]);
    expect(settings).toEqual({ simulateStatus: 'HEALTHY', delayMs: 250, failTargets: ['ws-3', 'ws-4'], failVerification: true });
  });

  it('leaves a flag that is off out, and names a field that is not a number', () => {
    const { settings, errors } = settingsFromForm(connectorSpec('SIMULATED'), { delayMs: 'soon', failVerification: 'false' });
    expect(settings).toEqual({});
    expect(errors).toEqual(['Action delay (ms) must be a number of at least 0.']);
  });

  it('names each required setting that is missing', () => {
    const { errors } = settingsFromForm(connectorSpec('MICROSOFT_GRAPH'), { tenantId: '  ', clientSecret: 's3cret' });
    expect(errors).toEqual(['Tenant ID is required.', 'Application (client) ID is required.']);
  });

  it('asks the endpoint agent connector only for its command timeout (agents enrol themselves)', () => {
    const spec = connectorSpec('ENDPOINT_AGENT');
    expect(spec.settings.map((s) => s.key)).toEqual(['commandTimeoutSeconds']);
    expect(settingsFromForm(spec, { commandTimeoutSeconds: '45', baseUrl: 'https://edr', apiKey: 'k' }).settings).toEqual({
      commandTimeoutSeconds: 45,
    });
  });

  it('shows stored settings back in the form, lists joined', () => {
    expect(formFromSettings(connectorSpec('SIMULATED'), { failTargets: ['ws-3', 'ws-4'], delayMs: 100, other: 'x' })).toEqual({
      failTargets: 'ws-3, ws-4',
      delayMs: '100',
    });
  });
});
