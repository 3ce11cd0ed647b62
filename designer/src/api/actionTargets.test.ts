import { describe, expect, it } from 'vitest';
import { devicesIn, knownDevices, parseTarget, targetFields, targetsDevicesOnly, toggleDevice } from './actionTargets';

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

describe('picking devices for a bulk action', () => {
  it('offers the picker only for actions whose target is just a device', () => {
    expect(targetsDevicesOnly('ISOLATE_DEVICE')).toBe(true);
    expect(targetsDevicesOnly('COLLECT_FORENSICS')).toBe(true);
    expect(targetsDevicesOnly('KILL_PROCESS')).toBe(false);
    expect(targetsDevicesOnly('BLOCK_SIGN_IN')).toBe(false);
  });

  it('adds a picked device as its own line and removes it when unpicked, keeping typed lines', () => {
    const typed = 'ws-1\n  ws-2  ';
    const added = toggleDevice(typed, 'ws-9');
    expect(added).toBe('ws-1\nws-2\nws-9');
    expect([...devicesIn(added)]).toEqual(['ws-1', 'ws-2', 'ws-9']);
    expect(toggleDevice(added, 'ws-1')).toBe('ws-2\nws-9');
  });

  it('lists each known device once, agents first', () => {
    expect(knownDevices(['ws-2', 'ws-1'], ['ws-1', null, 'ws-3', undefined])).toEqual(['ws-2', 'ws-1', 'ws-3']);
  });
});
