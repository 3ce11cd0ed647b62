import type { ConnectorKind, Json, JsonObject } from './types';
import { textOf } from './types';

/** One setting of a connector as the server reads it (docs/connectors.md); secrets are write-only. */
export interface SettingSpec {
  key: string;
  label: string;
  kind?: 'text' | 'number' | 'flag' | 'choice' | 'list';
  secret?: boolean;
  required?: boolean;
  options?: string[];
  help?: string;
}

export interface ConnectorSpec {
  kind: ConnectorKind;
  label: string;
  description: string;
  settings: SettingSpec[];
}

export const CONNECTORS: ConnectorSpec[] = [
  {
    kind: 'SIMULATED',
    label: 'Simulated',
    description: 'Acts without touching real systems: for trials, demos and tests.',
    settings: [
      { key: 'simulateStatus', label: 'Simulated health', kind: 'choice', options: ['HEALTHY', 'NEEDS_ATTENTION', 'BROKEN'] },
      { key: 'delayMs', label: 'Action delay (ms)', kind: 'number', help: 'How long each simulated action takes.' },
      { key: 'failTargets', label: 'Targets that fail', kind: 'list', help: 'Device or user ids, comma-separated: actions on them fail.' },
      {
        key: 'failVerification',
        label: 'Fail verification',
        kind: 'flag',
        help: 'Verification reports the effect gone (raises an alert).',
      },
    ],
  },
  {
    kind: 'MICROSOFT_GRAPH',
    label: 'Microsoft Graph',
    description: 'Identity actions in Entra ID: block sign-in, expire logins, reset passwords.',
    settings: [
      { key: 'tenantId', label: 'Tenant ID', required: true },
      { key: 'clientId', label: 'Application (client) ID', required: true },
      { key: 'clientSecret', label: 'Client secret', secret: true },
      { key: 'graphBaseUrl', label: 'Graph URL', help: 'Leave empty for https://graph.microsoft.com (national clouds differ).' },
      { key: 'loginBaseUrl', label: 'Sign-in URL', help: 'Leave empty for https://login.microsoftonline.com.' },
    ],
  },
  {
    kind: 'ENDPOINT_AGENT',
    label: 'Endpoint agent',
    description: 'Device actions through Respond agents: isolate, kill process, quarantine, block IP, collect forensics.',
    settings: [
      {
        key: 'commandTimeoutSeconds',
        label: 'Command timeout (s)',
        kind: 'number',
        help: 'How long to wait for an agent to answer (1 to 600; default 30).',
      },
    ],
  },
  {
    kind: 'WEBHOOK',
    label: 'Webhook',
    description: 'Posts each action to your RMM or automation endpoint, signed with HMAC-SHA256.',
    settings: [
      { key: 'url', label: 'Webhook URL', required: true },
      { key: 'signingSecret', label: 'Signing secret', secret: true },
      { key: 'callbackUrl', label: 'Callback URL', help: "Where your endpoint reports results; leave empty for this server's own." },
    ],
  },
];

export function connectorSpec(kind: ConnectorKind): ConnectorSpec {
  return CONNECTORS.find((c) => c.kind === kind) ?? CONNECTORS[0]!;
}

/** The form's values as stored settings before they are edited: lists and flags back to text. */
export function formFromSettings(spec: ConnectorSpec, settings: Json | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  const stored = settings && typeof settings === 'object' && !Array.isArray(settings) ? settings : {};
  for (const s of spec.settings) {
    const v = stored[s.key];
    if (v === undefined || v === null) continue;
    values[s.key] = textOf(v);
  }
  return values;
}

/**
 * The settings the server receives: only this connector's keys (never a field of another connector, which the server
 * would keep in plain text), blanks left out, numbers and flags typed, lists split. Errors name the field.
 */
export function settingsFromForm(spec: ConnectorSpec, values: Record<string, string>): { settings: JsonObject; errors: string[] } {
  const settings: JsonObject = {};
  const errors: string[] = [];
  for (const s of spec.settings) {
    const raw = (values[s.key] ?? '').trim();
    if (!raw) {
      if (s.required) errors.push(`${s.label} is required.`);
      continue;
    }
    let value: Json = raw;
    if (s.kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) {
        errors.push(`${s.label} must be a number of at least 0.`);
        continue;
      }
      value = n;
    } else if (s.kind === 'flag') {
      if (raw !== 'true' && raw !== 'false') {
        errors.push(`${s.label} must be yes or no.`);
        continue;
      }
      if (raw === 'false') continue;
      value = true;
    } else if (s.kind === 'list') {
      value = raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0);
    }
    settings[s.key] = value;
  }
  return { settings, errors };
}
