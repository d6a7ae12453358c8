/*
 * The status dialog's form: defaults, validation and the request body, for findings and threats.
 * The backend checks the same rules (the zod schemas of -common) and its message is shown when it
 * refuses; checking here first keeps the user in the dialog with the field marked.
 */
import {
  FindingStatusChange,
  findingStatusChangeSchema,
  ThreatStatus,
  ThreatStatusChange,
  threatStatusChangeSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import { FindingAction } from './model';

const DAY = 24 * 3600_000;

/** How long an accepted risk lasts unless the user picks another date. */
export const DEFAULT_ACCEPTANCE_DAYS = 30;
/** The longest acceptance the backend takes. */
export const MAX_ACCEPTANCE_DAYS = 365;

/** The form of the status dialog: a reason and, for an accepted risk, its expiry date. */
export interface StatusForm {
  reason: string;
  /** `YYYY-MM-DD` in the user's time zone, as a date input holds it. */
  expiresOn: string;
}

function localDate(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An empty reason and an expiry 30 days from `now`. */
export function initialStatusForm(now: number): StatusForm {
  return {
    reason: '',
    expiresOn: localDate(now + DEFAULT_ACCEPTANCE_DAYS * DAY),
  };
}

/** The dates the expiry field offers: from tomorrow to a year from `now`. */
export function expiryBounds(now: number): { min: string; max: string } {
  return {
    min: localDate(now + DAY),
    max: localDate(now + MAX_ACCEPTANCE_DAYS * DAY),
  };
}

/**
 * Whether a finding's status change needs a reason: accepting a risk and marking a false positive
 * do, reopening does not. A threat's reason is always optional.
 */
export function reasonRequired(action: FindingAction): boolean {
  return action === 'accepted' || action === 'false-positive';
}

export type FormResult<T> =
  | { ok: true; change: T }
  | { ok: false; errors: Partial<Record<keyof StatusForm, string>> };

/** The end of the chosen day in the user's time zone, as ISO 8601; `null` for a bad date. */
function endOfLocalDay(date: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const end = new Date(year, month - 1, day, 23, 59, 59);
  return end.getFullYear() === year &&
    end.getMonth() === month - 1 &&
    end.getDate() === day
    ? end
    : null;
}

/** The body of a finding's status change, or what is wrong with the form. */
export function toFindingStatusChange(
  action: FindingAction,
  form: StatusForm,
  now: number,
): FormResult<FindingStatusChange> {
  const reason = form.reason.trim();
  const errors: Partial<Record<keyof StatusForm, string>> = {};
  if (reasonRequired(action) && !reason) {
    errors.reason =
      action === 'accepted'
        ? 'Say why the risk is acceptable'
        : 'Say why this is not a real problem';
  }
  let body: unknown;
  if (action === 'accepted') {
    const expires = endOfLocalDay(form.expiresOn);
    if (!expires) {
      errors.expiresOn = 'Pick a date';
    } else if (expires.getTime() <= now) {
      errors.expiresOn = 'The date must lie in the future';
    } else if (expires.getTime() > now + (MAX_ACCEPTANCE_DAYS + 1) * DAY) {
      errors.expiresOn = `At most ${MAX_ACCEPTANCE_DAYS} days ahead`;
    } else {
      body = { status: 'accepted', reason, expiresAt: expires.toISOString() };
    }
  } else {
    body = reason ? { status: action, reason } : { status: action };
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const parsed = findingStatusChangeSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, errors: { reason: parsed.error.issues[0].message } };
  }
  return { ok: true, change: parsed.data };
}

/** The body of a threat's status change, or what is wrong with the form. */
export function toThreatStatusChange(
  status: ThreatStatus,
  form: Pick<StatusForm, 'reason'>,
): FormResult<ThreatStatusChange> {
  const reason = form.reason.trim();
  const parsed = threatStatusChangeSchema.safeParse(
    reason ? { status, reason } : { status },
  );
  if (!parsed.success) {
    return { ok: false, errors: { reason: parsed.error.issues[0].message } };
  }
  return { ok: true, change: parsed.data };
}
