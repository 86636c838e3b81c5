#!/usr/bin/env node
// The installed `accord` command: runs the compiled CLI (npm run build writes dist/).
try {
  await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('accord: dist/ is missing; run `npm run build` first\n');
    process.exit(3);
  }
  throw e;
}
