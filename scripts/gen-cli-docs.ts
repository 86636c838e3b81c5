/**
 * docs/cli.md: the help text of every `accord` command, exactly as the command prints it, so the
 * CLI reference cannot drift from the code (a test in src/domain/schema/docs.test.ts fails when
 * it is stale; `npm run docs` rewrites it).
 */
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({
    writeOut: (s) => {
      out += s;
    },
    writeErr: (s) => {
      out += s;
    },
    getOutHelpWidth: () => 100,
    getErrHelpWidth: () => 100,
  });
  cmd.outputHelp();
  return out.trimEnd();
}

function walk(cmd: Command, path: string[], out: string[]): void {
  const name = [...path, cmd.name()].join(' ');
  out.push(`## ${name}\n\n\`\`\`text\n${helpOf(cmd)}\n\`\`\`\n`);
  for (const sub of cmd.commands) if (sub.name() !== 'help') walk(sub, [...path, cmd.name()], out);
}

export function renderCliDoc(): string {
  const out: string[] = [
    '# accord command reference\n',
    'Generated from the commands themselves by `npm run docs`; every command also prints this with `--help`.\n',
  ];
  walk(buildProgram(), [], out);
  return `${out.join('\n')}`;
}
