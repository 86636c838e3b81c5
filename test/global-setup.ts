/**
 * Builds dist/ once before the suite, so CLI tests run the real installed command (bin/accord.js)
 * as a user would, at its real start-up cost. Set ACCORD_TEST_SKIP_BUILD=1 when dist/ is fresh.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  if (process.env.ACCORD_TEST_SKIP_BUILD === '1') return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const started = Date.now();
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
  } catch (e) {
    // Type errors still emit JavaScript; the typecheck step of CI reports them. Only a missing
    // output is fatal here.
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(
      `global setup: tsc reported problems (see npm run typecheck):\n${out.slice(0, 2000)}\n`,
    );
  }
  process.stderr.write(`global setup: built dist/ in ${Date.now() - started} ms\n`);
}
