import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startMotoServer } from './motoServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/**
 * Starts one `moto_server` on 127.0.0.1 for the integration project and
 * provides its endpoint to tests as `inject('motoEndpoint')`. Fails the suite
 * with a clear message when moto is not installed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    execFileSync('moto_server', ['--help'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      "moto_server is not installed: integration tests need moto 5 (pip install 'moto[server]==5.2.1')",
    );
  }
  const moto = await startMotoServer();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
