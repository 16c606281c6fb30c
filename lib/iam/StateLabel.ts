/**
 * The IAM state an output was computed against, as every output names it
 * (`shared/spec/diagnosis.md`: top-level `"state"`). The demo organization is
 * used only when asked for, and then says so.
 */
export const STATE_KINDS = ['demo', 'snapshot', 'live'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

export interface StateLabel {
  readonly kind: StateKind;
  /** What a person recognizes: the snapshot file, the live credentials used, or the demo. */
  readonly label: string;
}

/** The one line a text header shows: `explained against the demo organization (…)`. */
export function describeState(state: StateLabel): string {
  switch (state.kind) {
    case 'demo':
      return `the embedded demo organization (${state.label}), not your AWS accounts`;
    case 'snapshot':
      return `IAM snapshot ${state.label}`;
    default:
      return `live AWS (${state.label})`;
  }
}

/** The exit-2 message of a command given none of the three ways to name the IAM state. */
export function noStateMessage(doing: 'explain against' | 'audit'): string {
  return `no IAM state to ${doing}: pass \`--snapshot FILE\`, \`--live\` (your AWS credentials) or \`--demo\` (the embedded demo organization)`;
}

/** The label of a live state: whose credentials read it, as a person names them. */
export function liveStateLabel(
  profile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const named = profile ?? env.AWS_PROFILE;
  return named === undefined ? 'default AWS credentials' : `profile ${named}`;
}

/** The state of a command that reads a snapshot file when given one, else live AWS. */
export function snapshotOrLiveState(
  snapshot: string | undefined,
  profile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): StateLabel {
  return snapshot === undefined
    ? { kind: 'live', label: liveStateLabel(profile, env) }
    : { kind: 'snapshot', label: snapshot };
}
