import { describe, expect, it } from 'vitest';
import { bulkOutcomeText, fieldErrors, fieldOf, thrownErrorText, variableError } from './userErrors';
import { withEnumsInWords } from '../components/ui';

describe('user errors', () => {
  it('places an error on its field, without "input" and list positions', () => {
    expect(fieldOf(['input', 'ids', '3'])).toBe('ids');
    expect(fieldOf(['justification'])).toBe('justification');
    expect(fieldOf(['input', 'targets', '0', 'processId'])).toBe('targets.processId');
    expect(fieldOf([])).toBe('form');
    expect(
      fieldErrors([
        { code: 'VALIDATION', message: 'Say why.', path: ['justification'] },
        { code: 'VALIDATION', message: 'second', path: ['justification'] },
      ]),
    ).toEqual({ justification: 'Say why.' });
  });

  it('turns a GraphQL variable error into the field and a sentence', () => {
    expect(variableError("Variable '$input.target.processId' is invalid. Unable to convert 'abc' to 'Int'")).toEqual({
      field: 'target.processId',
      message: 'target.processId must be a whole number.',
    });
    expect(variableError("Variable '$input.targets[2].processId' is invalid. Unable to convert 'x' to 'Int'")?.field).toBe(
      'targets.processId',
    );
    expect(variableError("Variable '$input.justification' is invalid. Received a null input for a non-null variable.")?.message).toBe(
      'justification is required.',
    );
    expect(variableError('Something else went wrong')).toBeNull();
  });

  it('says how many were decided and why the rest were skipped', () => {
    const own = { decided: false, error: { message: 'You requested this.' } };
    const ok = { decided: true, error: null };
    expect(bulkOutcomeText(true, 2, [ok, ok, own])).toBe('Approved 2 requests. Skipped 1 request: You requested this. (1)');
    expect(bulkOutcomeText(false, 1, [ok])).toBe('Rejected 1 request.');
  });
});

describe('withEnumsInWords', () => {
  it('reads enum codes inside server text in words and leaves other words alone', () => {
    expect(withEnumsInWords("Dual control: ISOLATE_DEVICE requires a second person's approval.")).toBe(
      "Dual control: Isolate device requires a second person's approval.",
    );
    expect(withEnumsInWords('The HIGH alert on IP 10.0.0.1')).toBe('The HIGH alert on IP 10.0.0.1');
  });
});

describe('thrownErrorText', () => {
  it('words a variable error and passes any other error through', () => {
    expect(thrownErrorText(new Error("Variable '$input.events[0].time' is invalid. Unable to convert 'soon' to 'DateTime'"))).toBe(
      'events.time must be a date and time.',
    );
    expect(thrownErrorText(new Error('The server answered 500.'))).toBe('The server answered 500.');
  });
});
