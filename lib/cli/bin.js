#!/usr/bin/env node
// The `trustwatch` bin: runs the TypeScript CLI through tsx's loader, so a
// checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const { processIo } = await import('./CliIo.ts');
process.exitCode = await main(process.argv.slice(2), processIo());
