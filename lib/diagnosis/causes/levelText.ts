import type { Blocker } from '../../engine/AssumeRoleEvaluation.js';

const LEVEL_WORD = { ROOT: 'root', ORGANIZATIONAL_UNIT: 'OU', ACCOUNT: 'account' } as const;

/** ` attached to the OU \`Prod\` (\`ou-…\`)`: where an SCP or RCP blocker sits. */
export function levelText(b: Blocker): string {
  const l = b.level;
  if (l === undefined) return '';
  return ` attached to the ${LEVEL_WORD[l.targetType]} \`${l.name ?? l.targetId}\`${l.name === undefined ? '' : ` (\`${l.targetId}\`)`}`;
}
