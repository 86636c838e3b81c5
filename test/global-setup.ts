/**
 * Builds dist/ once before the suite, so CLI tests run the real installed command (bin/accord.js)
 * as a user would, at its real start-up cost. Set ACCORD_TEST_SKIP_BUILD=1 when dist/ is fresh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  // The dashboard's browser tests need the built web app; build it when it is missing (npm run
  // build and npm start build it too). Its sources are not watched: run npm run build:web after
  // changing web/.
  if (!existsSync(new URL('../dist/web/index.html', import.meta.url))) {
    const t = Date.now();
    execFileSync('npm', ['run', 'build:web'], { stdio: 'pipe' });
    process.stderr.write(`global setup: built dist/web/ in ${Date.now() - t} ms\n`);
  }
}
