/**
 * The greenml command line: the composition root. Each command module declares its flags at
 * start-up (cheap) and imports what it needs (store, meter, server) only inside its action, so a
 * command never pays for another's dependencies.
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';
import { reportError } from './output.js';
import { COMMANDS } from './commands/index.js';
import { readVersion } from './version.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('greenml')
    .description('Measure, plan, schedule and report the energy, carbon and cost of machine-learning work.')
    .version(readVersion(), '-V, --version', 'print the version')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  program.enablePositionalOptions();
  for (const register of COMMANDS) register(program);
  program.commands.forEach((c) => c.exitOverride());

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(e, argv.includes('--json'));
  }
}
