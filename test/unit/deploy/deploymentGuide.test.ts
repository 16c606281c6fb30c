import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * lib/deploy/DEPLOYMENT.md works in one sitting: read top to bottom, no
 * command uses a shell variable that a later step defines, every numbered
 * step names the account it runs in, and every file it points at exists.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const GUIDE = readFileSync(join(ROOT, 'lib/deploy/DEPLOYMENT.md'), 'utf8');
/** Variables the reader's shell or AWS provides, not the guide. */
const FROM_ENVIRONMENT = new Set(['TOPIC', 'QUEUE_ARN']);

const blocks = [...GUIDE.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('DEPLOYMENT.md', () => {
  it('defines every shell variable before a command uses it', () => {
    const defined = new Set<string>();
    const early: string[] = [];
    for (const block of blocks) {
      for (const line of block.split('\n')) {
        for (const [, name] of line.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) {
          if (!defined.has(name as string) && !FROM_ENVIRONMENT.has(name as string))
            early.push(`${name}: ${line.trim()}`);
        }
        for (const [, name] of line.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/g))
          defined.add(name as string);
      }
    }
    expect(blocks.length).toBeGreaterThan(8);
    expect(early).toEqual([]);
  });

  it('names the account of every numbered step', () => {
    const steps = [...GUIDE.matchAll(/^## (\d+)\. (.+)$/gm)].map(
      (m) => [Number(m[1]), m[2] as string] as const,
    );
    expect(steps.map(([n]) => n)).toEqual(steps.map((_, i) => i + 1));
    for (const [, title] of steps) expect(title).toMatch(/\((MGMT|AUDIT|a member account)/);
  });

  it('points only at files that exist', () => {
    const files = new Set(
      [...GUIDE.matchAll(/(?:file:\/\/|\b)(lib\/deploy\/[\w./-]+\.(?:yml|tf|md))/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect(files.size).toBeGreaterThan(2);
    for (const file of files) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it('covers the trail, the Slack secret, costs, the check and teardown', () => {
    for (const needed of [
      'put-bucket-policy',
      'create-trail',
      'start-logging',
      'is-organization-trail',
      'put-parameter',
      '## What it costs',
      '## 8. Check that it works',
      '## Teardown',
      '--call-as DELEGATED_ADMIN',
      'delete-stack-set',
    ])
      expect(GUIDE).toContain(needed);
  });
});
