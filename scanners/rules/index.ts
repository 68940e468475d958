import type { Rule } from '../engine/types.js';

import { rules as aws } from './aws.js';
import { rules as gcp } from './gcp.js';
import { rules as azure } from './azure.js';
import { rules as github } from './github.js';
import { rules as gitlab } from './gitlab.js';
import { rules as bitbucket } from './bitbucket.js';
import { rules as packageRegistries } from './package-registries.js';
import { rules as infrastructure } from './infrastructure.js';
import { rules as cloudPlatforms } from './cloud-platforms.js';
import { rules as chat } from './chat.js';
import { rules as messaging } from './messaging.js';
import { rules as payments } from './payments.js';
import { rules as ai } from './ai.js';
import { rules as observability } from './observability.js';
import { rules as productivity } from './productivity.js';
import { rules as privateKeys } from './private-keys.js';
import { rules as connectionStrings } from './connection-strings.js';
import { rules as configFiles } from './config-files.js';
import { rules as generic } from './generic.js';

/** Every built-in rule. Order does not matter: the engine de-duplicates overlapping findings. */
export const builtinRules: Rule[] = [
  ...aws,
  ...gcp,
  ...azure,
  ...github,
  ...gitlab,
  ...bitbucket,
  ...packageRegistries,
  ...infrastructure,
  ...cloudPlatforms,
  ...chat,
  ...messaging,
  ...payments,
  ...ai,
  ...observability,
  ...productivity,
  ...privateKeys,
  ...connectionStrings,
  ...configFiles,
  ...generic,
];
