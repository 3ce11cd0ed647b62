import type { ResponseActionType } from './types';

export type TargetField = 'deviceId' | 'userId' | 'ip' | 'processId' | 'filePath';

/** What one line of the targets box holds for a type: endpoint actions on a process, file or IP name the device first. */
export const targetFields = (t: ResponseActionType): TargetField[] =>
  ['BLOCK_IP', 'UNBLOCK_IP'].includes(t)
    ? ['deviceId', 'ip']
    : t === 'KILL_PROCESS'
      ? ['deviceId', 'processId']
      : ['QUARANTINE_FILE', 'RESTORE_FILE'].includes(t)
        ? ['deviceId', 'filePath']
        : [
              'RESET_USER_SESSION',
              'FORCE_PASSWORD_RESET',
              'BLOCK_SIGN_IN',
              'UNBLOCK_SIGN_IN',
              'EXPIRE_ACCOUNT_LOGINS',
              'RESET_USER_PASSWORD',
              'FORCE_PASSWORD_CHANGE_NEXT_SIGN_IN',
            ].includes(t)
          ? ['userId']
          : ['deviceId'];

/** One target from one line: "ws-1" or, for two-field types, "ws-1 4242" (device, then the PID, IP or path). */
export function parseTarget(t: ResponseActionType, line: string): Record<string, string | number> {
  const [first, second] = targetFields(t) as [TargetField, TargetField?];
  if (!second) return { [first]: line };
  const [device = '', ...rest] = line.split(/\s+/);
  const value = rest.join(' ');
  return { deviceId: device, [second]: second === 'processId' && /^-?\d+$/.test(value) ? Number(value) : value };
}

/** Whether a type's target is a device and nothing else, so devices can be picked from a list. */
export const targetsDevicesOnly = (t: ResponseActionType): boolean => {
  const fields = targetFields(t);
  return fields.length === 1 && fields[0] === 'deviceId';
};

/** The devices named by the targets box, one per line (the first word of each). */
export function devicesIn(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0] ?? '')
      .filter(Boolean),
  );
}

/** Adds the device as a line of its own, or removes the line naming it: the picker and the box edit one list. */
export function toggleDevice(text: string, deviceId: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const at = lines.findIndex((l) => l.split(/\s+/)[0] === deviceId);
  if (at >= 0) lines.splice(at, 1);
  else lines.push(deviceId);
  return lines.join('\n');
}

/** Devices to offer, once each, in order: enrolled agents first, then devices earlier actions named. */
export function knownDevices(...sources: (string | null | undefined)[][]): string[] {
  return [...new Set(sources.flat().filter((d): d is string => !!d))];
}
