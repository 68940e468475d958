import { resolve } from 'node:path';

import { baselineCommand } from './commands/baseline.js';
import { credentialsCommand } from './commands/credentials.js';
import { gitlabCommand } from './commands/gitlab.js';
import { installHookCommand } from './commands/install-hook.js';
import { rotateCommand } from './commands/rotate.js';
import { rulesCommand } from './commands/rules.js';
import { scanCommand } from './commands/scan.js';
import { EXIT, UsageError } from './exit-codes.js';
import { HELP } from './help.js';
import type { Io } from './io.js';
import type { ScanContext } from './scan-run.js';
import { VERSION } from './version.js';

export async function main(argv: string[], io: Io, workerUrl?: URL): Promise<number> {
  const [command, ...args] = argv;
  const context: ScanContext = { stderr: io.stderr, ...(workerUrl ? { workerUrl } : {}) };
  try {
    switch (command) {
      case 'scan':
        return await scanCommand(args, io, context);
      case 'baseline':
        return await baselineCommand(args, io, context);
      case 'rules':
        return rulesCommand(args, io);
      case 'credentials':
        return await credentialsCommand(args, io);
      case 'gitlab':
        return await gitlabCommand(args, io);
      case 'rotate':
        return await rotateCommand(args, io);
      case 'install-hook':
        // The hook runs this very keyless: this Node.js and this script, wherever they are installed.
        return await installHookCommand(args, io, {
          node: process.execPath,
          script: process.argv[1] ? resolve(process.argv[1]) : undefined,
        });
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(HELP);
        return command === undefined ? EXIT.error : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`keyless: ${message}\n`);
    if (error instanceof UsageError) io.stderr.write('Run "keyless --help" for usage.\n');
    return EXIT.error;
  }
}
