import type { PolicyDocument, PolicyStatement } from './PolicyDocument.js';

/**
 * Documents (and their statements) returned by `parsePolicyDocument`: the ones
 * loaded from a snapshot or from IAM, which live as long as their state source
 * and are evaluated over and over. The engine keeps compiled forms only for
 * these; anything built on the fly, such as a proposed fix, is compiled per
 * evaluation (reusing the compiled statements it shares with a parsed
 * document; only the last few are kept, in a small ring), so that nothing
 * transient is held in a `WeakMap`, whose entries keep their values alive
 * through minor garbage collections.
 */
const parsed = new WeakSet<PolicyDocument | PolicyStatement>();

/** Records a document and its statements as parsed (called by `parsePolicyDocument` only). */
export function markParsed(doc: PolicyDocument): PolicyDocument {
  parsed.add(doc);
  for (const st of doc.statements) parsed.add(st);
  return doc;
}

/** Was this document or statement object made by `parsePolicyDocument`? */
export function isParsed(part: PolicyDocument | PolicyStatement): boolean {
  return parsed.has(part);
}
