import { InputError } from '../errors/TrustwatchError.js';
import type { AccountAudit } from '../findings/AuditFinding.js';
import type { BlindSpot } from '../findings/BlindSpot.js';

/**
 * One account's finished audit, as a resumable run keeps it: its result, the
 * blind spots checked in it, and the paths of its roles (role paths read in
 * one account complete trusts that name a role in another, so a resumed run
 * needs them to report what a clean run would).
 */
export interface JournaledAccount {
  readonly accountId: string;
  readonly audit: AccountAudit;
  readonly blindSpots: readonly BlindSpot[];
  readonly rolePaths: readonly (readonly [name: string, path: string])[];
}

/** The journal's first line: what the run was, so a resume cannot mix two different audits. */
export interface AuditJournalHeader {
  readonly trustwatchAuditJournal: 1;
  /** The time the interrupted run judged "unused" against; the resumed run keeps it. */
  readonly auditedAt: string;
  /** The options that shape findings, as text: a resume must be given the same. */
  readonly settings: string;
}

export interface AuditJournal {
  readonly header: AuditJournalHeader;
  readonly accounts: ReadonlyMap<string, JournaledAccount>;
}

/** A line of the journal (JSON Lines: an interrupted write loses at most its own line). */
export function journalLine(entry: AuditJournalHeader | JournaledAccount): string {
  return `${JSON.stringify(entry)}\n`;
}

function isEntry(v: unknown): v is JournaledAccount {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<JournaledAccount>;
  return (
    typeof e.accountId === 'string' &&
    typeof e.audit === 'object' &&
    e.audit !== null &&
    e.audit.accountId === e.accountId &&
    Array.isArray(e.audit.findings) &&
    Array.isArray(e.blindSpots) &&
    Array.isArray(e.rolePaths)
  );
}

/**
 * Reads a journal. A first line that is not a trustwatch audit journal is
 * bad input (exit 2 naming the file and line); the last line, if torn by the
 * interruption, is dropped (that account is audited again).
 */
export function parseAuditJournal(text: string, file: string): AuditJournal {
  const lines = text.split('\n');
  let header: AuditJournalHeader | undefined;
  try {
    const first = JSON.parse(lines[0] ?? '') as Partial<AuditJournalHeader>;
    if (
      first.trustwatchAuditJournal === 1 &&
      typeof first.auditedAt === 'string' &&
      typeof first.settings === 'string'
    )
      header = first as AuditJournalHeader;
  } catch {
    // reported below
  }
  if (header === undefined)
    throw new InputError('not a trustwatch audit journal (line 1)', { context: { file, line: 1 } });
  const accounts = new Map<string, JournaledAccount>();
  for (const [i, line] of lines.entries()) {
    if (i === 0 || line.trim() === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      if (i >= lines.length - 2) continue; // the line being written when the run stopped
      throw new InputError(`line ${i + 1} is not json`, { context: { file, line: i + 1 } });
    }
    if (!isEntry(entry))
      throw new InputError(`line ${i + 1} is not an audited account`, {
        context: { file, line: i + 1 },
      });
    accounts.set(entry.accountId, entry);
  }
  return { header, accounts };
}
