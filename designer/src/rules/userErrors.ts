// Errors in words, next to the field they are about: a payload's UserErrors by field, GraphQL variable errors (which
// the server words for programmers) as the field and a sentence, and a bulk decision's outcome as one line.
import type { UserError } from '../api/types';

/** The field a UserError is about: its path without the leading "input" and without list positions. */
export function fieldOf(path: readonly string[]): string {
  const rest = path[0] === 'input' ? path.slice(1) : path;
  return rest.filter((p) => !/^\d+$/.test(p)).join('.') || 'form';
}

/** One message per field (the first one given). */
export function fieldErrors(errors: readonly UserError[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const e of errors) byField[fieldOf(e.path)] ??= e.message;
  return byField;
}

/**
 * A GraphQL variable error ("Variable '$input.target.processId' is invalid. Unable to convert 'abc' to 'Int'") as the
 * field it names and a sentence; null when the message is not about a variable.
 */
export function variableError(message: string): { field: string; message: string } | null {
  const m = /Variable '\$(?:input\.)?([\w.[\]]+)' is invalid\.?\s*(.*)/s.exec(message);
  if (!m) return null;
  const field = m[1]!.replace(/\[\d+\]/g, '');
  const detail = m[2] ?? '';
  const expected = /to '(\w+)'/.exec(detail)?.[1];
  const words: Record<string, string> = {
    Int: 'a whole number',
    Long: 'a whole number',
    Float: 'a number',
    Boolean: 'true or false',
    DateTime: 'a date and time',
    ID: 'an id',
    String: 'text',
  };
  if (expected) return { field, message: `${field} must be ${words[expected] ?? `a ${expected}`}.` };
  if (/null|missing|required/i.test(detail)) return { field, message: `${field} is required.` };
  return { field, message: `${field} is not valid.` };
}

/** "Approved 99 requests. Skipped 1: You requested this…" for a decideApprovalRequests answer. */
export function bulkOutcomeText(
  approve: boolean,
  decided: number,
  results: readonly { decided: boolean; error: { message: string } | null }[],
): string {
  const verb = approve ? 'Approved' : 'Rejected';
  const plural = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
  const reasons = new Map<string, number>();
  for (const r of results)
    if (!r.decided) reasons.set(r.error?.message ?? 'not decided', (reasons.get(r.error?.message ?? 'not decided') ?? 0) + 1);
  const skipped = [...reasons.values()].reduce((a, b) => a + b, 0);
  const why = [...reasons.entries()].map(([message, n]) => `${message} (${n})`).join(' ');
  return `${verb} ${plural(decided)}.` + (skipped ? ` Skipped ${plural(skipped)}: ${why}` : '');
}

/** A thrown error as the text to show: a GraphQL variable error in words (naming its field), anything else as it is. */
export function thrownErrorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return variableError(message)?.message ?? message;
}
