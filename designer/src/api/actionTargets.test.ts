import { describe, expect, it } from 'vitest';
import { parseTarget, targetFields } from './actionTargets';

describe('action targets from the submit dialog', () => {
  it('reads a device for device actions and a user for identity actions', () => {
    expect(parseTarget('ISOLATE_DEVICE', 'ws-042')).toEqual({ deviceId: 'ws-042' });
    expect(parseTarget('BLOCK_SIGN_IN', 'alice@contoso.com')).toEqual({ userId: 'alice@contoso.com' });
  });

  it('reads the device first, then the PID, IP or path, for endpoint actions on them', () => {
    expect(parseTarget('KILL_PROCESS', 'ws-042 4242')).toEqual({ deviceId: 'ws-042', processId: 4242 });
    expect(parseTarget('BLOCK_IP', 'ws-042 203.0.113.0/24')).toEqual({ deviceId: 'ws-042', ip: '203.0.113.0/24' });
    expect(parseTarget('QUARANTINE_FILE', 'ws-042 /home/a/my file.sh')).toEqual({ deviceId: 'ws-042', filePath: '/home/a/my file.sh' });
  });

  it('leaves a non-numeric PID as text so the server names the field in its error', () => {
    expect(parseTarget('KILL_PROCESS', 'ws-042 abc')).toEqual({ deviceId: 'ws-042', processId: 'abc' });
  });

  it('names the fields a line holds for every type', () => {
    expect(targetFields('RESTORE_FILE')).toEqual(['deviceId', 'filePath']);
    expect(targetFields('UNBLOCK_SIGN_IN')).toEqual(['userId']);
    expect(targetFields('COLLECT_FORENSICS')).toEqual(['deviceId']);
  });
});
