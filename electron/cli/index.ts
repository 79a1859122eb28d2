import { Command } from 'commander';
import { registerAgentCommand } from './commands/agent';
import { registerAppCommand } from './commands/app';
import { registerCoordinatorCommand } from './commands/coordinator';
import { registerDetectCommand } from './commands/detect';
import { registerEstimateCommand } from './commands/estimate';
import { registerJobCommand } from './commands/job';
import { registerSelfTestCommand } from './commands/selftest';
import { registerSubmitCommand } from './commands/submit';
import { registerWalletCommand } from './commands/wallet';
import { AGENT_VERSION } from '../core/version';

const program = new Command()
  .name('rigshare')
  .description('Rent out the GPU you already own. Runs the agent, its dashboard, and tools for headless rigs.')
  .version(AGENT_VERSION)
  .showHelpAfterError();

registerAppCommand(program);
registerAgentCommand(program);
registerDetectCommand(program);
registerEstimateCommand(program);
registerJobCommand(program);
registerSelfTestCommand(program);
registerCoordinatorCommand(program);
registerSubmitCommand(program);
registerWalletCommand(program);

await program.parseAsync(process.argv);
