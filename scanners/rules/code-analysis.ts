import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

const SONAR_TOKENS = 'https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/';
const SONAR_REVOKE =
  'Revoke the token under My Account > Security in SonarQube (or SonarQube Cloud) and create a new one.';

/** Code-quality and dependency-security services whose tokens live in CI configuration. */
export const rules = defineRules([
  {
    id: 'snyk-api-token',
    title: 'Snyk API token',
    provider: 'Snyk',
    severity: 'high',
    keywords: ['snyk'],
    // Snyk tokens are bare UUIDs, so only a Snyk token name (or the `snyk auth` command) marks one;
    // organisation and project ids share the shape and are left alone.
    pattern: assignment(
      String.raw`snyk${GAP}(?:token|api[_-]?key|auth[_-]?key)`,
      UUID,
      String.raw`[Ss]nyk[ \t]+auth[ \t]+|[Ss]nyk[ \t]+config[ \t]+set[ \t]+api=`,
    ),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Revoke the token under Account settings (or the service account) in Snyk and create a new one.',
    docs: 'https://docs.snyk.io/snyk-api/authentication-for-api',
    examples: {
      positive: [
        'SNYK_TOKEN=e4d19dee-f1e5-43f9-ad05-b96098f5e6a3',
        '      - run: snyk auth 1549b9f8-e894-4d5c-8bdb-994cd8eafdee',
        'snyk_api_token: "be4ed4ec-adde-4504-be02-14c3f4b95514"',
      ],
      negative: [
        'SNYK_ORG_ID=e4d19dee-f1e5-43f9-ad05-b96098f5e6a3',
        'SNYK_TOKEN=${{ secrets.SNYK_TOKEN }}',
        'snyk auth 1549b9f8-e894-4d5c',
      ],
    },
  },
  {
    id: 'sonarqube-token',
    title: 'SonarQube user, project or global analysis token',
    provider: 'SonarSource',
    // A user token carries every permission of its owner, administrators included.
    severity: 'high',
    keywords: ['squ_', 'sqp_', 'sqa_'],
    pattern: /(?<![A-Za-z0-9_])sq[upa]_[a-f0-9]{40}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: SONAR_REVOKE,
    docs: SONAR_TOKENS,
    examples: {
      positive: [
        'SONAR_TOKEN=squ_47eeb4a41eb1d0d51c6c9eaa23c3ada036c21191',
        'mvn verify sonar:sonar -Dsonar.token=sqp_1a81faf16ce460f3277e279f1e84a520a15d7e10',
        '<sonar.token>sqa_5c99b19de66f601341b52117bfdb03e17c6a8248</sonar.token>',
      ],
      negative: [
        'SONAR_TOKEN=squ_47eeb4a41eb1d0d51c6c9eaa23c3ad',
        'SONAR_TOKEN=sqx_47eeb4a41eb1d0d51c6c9eaa23c3ada036c21191',
        'SONAR_TOKEN=squ_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'sonarqube-legacy-token',
    title: 'SonarQube or SonarQube Cloud token without prefix',
    provider: 'SonarSource',
    severity: 'high',
    keywords: ['sonar'],
    // Older servers and SonarQube Cloud issue bare 40-hex tokens; the property or variable names them:
    // `sonar.login` / `sonar.token` (scanner properties, `-D` flags, Maven `<sonar.login>`), SONAR_TOKEN.
    pattern: assignment(String.raw`sonar(?:qube|cloud)?${GAP}(?:login|token)`, '[a-f0-9]{40}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: SONAR_REVOKE,
    docs: SONAR_TOKENS,
    examples: {
      positive: [
        'sonar.login=b96722122d20069da04b6c1a16f68a20f6c00759',
        '        <sonar.login>2ef2548d273e5d2798d9908049945b1cd53687a3</sonar.login>',
        'SONAR_TOKEN: 5bb85c21f4ebb56a0db8f613a8b7395b90c35927',
        'dotnet sonarscanner begin /k:"acme_api" /d:sonar.token="b96722122d20069da04b6c1a16f68a20f6c00759"',
      ],
      negative: [
        'sonar.projectKey=b96722122d20069da04b6c1a16f68a20f6c00759',
        'sonar.login=admin',
        '<sonar.login>${env.SONAR_TOKEN}</sonar.login>',
        'SONAR_TOKEN=b96722122d20069da04b6c1a16f68a20',
      ],
    },
  },
]);
