import { defineRules } from './define.js';
import { hasValidCrc32Suffix } from '../engine/validators.js';

function isJfrogReferenceToken(secret: string): boolean {
  return /^reftkn:01:\d{10}:/.test(Buffer.from(secret, 'base64').toString('latin1'));
}

export const rules = defineRules([
  {
    id: 'npm-access-token',
    title: 'npm access token',
    provider: 'npm',
    severity: 'critical',
    keywords: ['npm_'],
    // 30 random base62 characters and a base62 CRC32 of them, like GitHub's tokens.
    pattern: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/,
    window: { before: 1, after: 45 },
    validate: (secret) => hasValidCrc32Suffix(secret, 'npm_'),
    suppress: 'none',
    remediation:
      'Revoke the token on npmjs.com (Access Tokens) or with `npm token revoke`, then check recent publishes.',
    docs: 'https://docs.npmjs.com/about-access-tokens',
    examples: {
      positive: [
        '//registry.npmjs.org/:_authToken=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',
        'NPM_TOKEN: "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"',
      ],
      negative: [
        // last character changed: the CRC32 suffix no longer matches
        '//registry.npmjs.org/:_authToken=npm_ULxj0DHdzd298BE4Ua3HsC1DSUSOeb3czSA6',
        'NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'const cache = npm_config_cache;',
      ],
    },
  },
  {
    id: 'npm-legacy-auth-token',
    title: 'npm legacy auth token',
    provider: 'npm',
    severity: 'high',
    keywords: ['registry.npmjs.org/:_authtoken='],
    // Tokens from before December 2021 are UUIDs: only the .npmrc registry line identifies them.
    pattern:
      /\/\/registry\.npmjs\.org\/:_authToken=["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f-])/i,
    window: { before: 2, after: 80 },
    remediation:
      'Revoke the token on npmjs.com (Access Tokens) or with `npm token revoke`, then check recent publishes.',
    docs: 'https://docs.npmjs.com/about-access-tokens',
    examples: {
      positive: [
        '//registry.npmjs.org/:_authToken=742165d1-5132-499d-a9ce-021105f69340',
        'echo "//registry.npmjs.org/:_authToken=742165d1-5132-499d-a9ce-021105f69340" > ~/.npmrc',
      ],
      negative: [
        '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
        '//npm.pkg.github.com/:_authToken=742165d1-5132-499d',
      ],
    },
  },
  {
    id: 'pypi-api-token',
    title: 'PyPI API token',
    provider: 'PyPI',
    severity: 'critical',
    keywords: ['pypi-age'],
    // A macaroon whose first caveat names the index: base64("…pypi.org") or base64("…test.pypi.org").
    pattern:
      /(?<![A-Za-z0-9_-])(?<secret>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})(?![A-Za-z0-9_-])/,
    window: { before: 1, after: 1100 },
    minEntropy: 4,
    remediation:
      'Remove the token in PyPI Account settings > API tokens (PyPI revokes tokens reported by GitHub secret scanning).',
    docs: 'https://pypi.org/help/#apitoken',
    examples: {
      positive: [
        'TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcCJGQbKdacoJ1jOXa1F0_7MPo3EugtG8m4gK5quKiMyCdCj-hfMzPLOXw1AbwAYLxAHUxoLaKBVH5BqXo_7RDu3i8l70JUXgAsbRE3XEWYDwyBGffq_RnmEmWMN0xyX50HDyu8ebnP4RlMmqQiXtFr-xLqc0fC3t5lFw',
        '[testpypi]\n  username = __token__\n  password = pypi-AgENdGVzdC5weXBpLm9yZwIkYnrRCR_IFXgK2OFSfcPY0Cwd3o7Jm601BqiCrbwhV61s_jxDWTlNUE7gPjR45EY5YAWODh6Pt6KQPEIlXbhykKhiDwFAYI5_oYkrj6EI8uuiq5D4rMUsi1gaW4memdweceR_YHLInDuVB',
      ],
      negative: [
        'password = pypi-AgEIcHlwaS5vcmc...',
        'TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcCJGQbKdacoJ1jOXa1F0',
      ],
    },
  },
  {
    id: 'docker-hub-pat',
    title: 'Docker Hub personal access token',
    provider: 'Docker',
    severity: 'high',
    keywords: ['dckr_pat_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>dckr_pat_[A-Za-z0-9_-]{27,64})(?![A-Za-z0-9_-])/,
    window: { before: 1, after: 80 },
    minEntropy: 3.5,
    remediation: 'Delete the token in Docker Hub Account settings > Personal access tokens.',
    docs: 'https://docs.docker.com/security/access-tokens/personal-access-tokens/',
    examples: {
      positive: [
        'echo dckr_pat_IxaRoRiBtyEbL3u1tpriL4f7Kvq | docker login -u acmebuild --password-stdin',
        'DOCKERHUB_TOKEN: "dckr_pat_-NrvM6cOteQbJIiKn2dE4kKlqDx"',
      ],
      negative: ['DOCKERHUB_TOKEN: "dckr_pat_IxaRoRiBty"', 'DOCKERHUB_TOKEN: "dckr_pat_<token>"'],
    },
  },
  {
    id: 'docker-hub-oat',
    title: 'Docker Hub organization access token',
    provider: 'Docker',
    severity: 'high',
    keywords: ['dckr_oat_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>dckr_oat_[A-Za-z0-9_-]{27,64})(?![A-Za-z0-9_-])/,
    window: { before: 1, after: 80 },
    minEntropy: 3.5,
    remediation: 'Delete the token in the Docker Admin Console (organization > Access tokens).',
    docs: 'https://docs.docker.com/security/access-tokens/organization-access-tokens/',
    examples: {
      positive: [
        'docker login -u acme -p dckr_oat_1RLLmcDuLooWD8_roQXqgytmvw4J9TpK',
        'DOCKER_ORG_TOKEN=dckr_oat_rxJosyTfy-WpUtuhCMPJiQtV4Rrc_f9W',
      ],
      negative: ['DOCKER_ORG_TOKEN=dckr_oat_rxJosyTfy', 'DOCKER_ORG_TOKEN=dckr_oat_{{ token }}'],
    },
  },
  {
    id: 'rubygems-api-key',
    title: 'RubyGems API key',
    provider: 'RubyGems',
    severity: 'critical',
    keywords: ['rubygems_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>rubygems_[0-9a-f]{48})(?![A-Za-z0-9])/,
    window: { before: 1, after: 60 },
    minEntropy: 3,
    remediation:
      'Delete the key on rubygems.org (Settings > API keys) and check the gem versions it could push.',
    docs: 'https://guides.rubygems.org/api-key-scopes/',
    examples: {
      positive: [
        'GEM_HOST_API_KEY=rubygems_2e75deab3c0ee913a301f9412baddf139dd4a7075c669a44',
        '---\n:rubygems_api_key: rubygems_41aadd510f7338370bee9eaef0d01b3fe5041d07e33ef310',
      ],
      negative: [':rubygems_api_key: rubygems_2e75deab3c0ee913a301f9412baddf13', 'require "rubygems_plugin"'],
    },
  },
  {
    id: 'nuget-api-key',
    title: 'NuGet.org API key',
    provider: 'NuGet',
    severity: 'critical',
    keywords: ['oy2'],
    pattern: /(?<![A-Za-z0-9])(?<secret>oy2[a-z0-9]{43})(?![A-Za-z0-9])/,
    window: { before: 1, after: 50 },
    minEntropy: 3.5,
    remediation: 'Delete or regenerate the key on nuget.org (API keys) and review recently pushed packages.',
    docs: 'https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys',
    examples: {
      positive: [
        'dotnet nuget push bin/Release/*.nupkg --api-key oy2h6lnypspa28m1jacy9aw1icr7tuudalkixd4y33nznn --source https://api.nuget.org/v3/index.json',
        'NUGET_API_KEY: oy2o8qxfe8i1rwvckn3kzi4eeeyknmzyurm2w0e9ykz0te',
      ],
      negative: [
        'NUGET_API_KEY: oy2o8qxfe8i1rwvckn3kzi4ee',
        'NUGET_API_KEY: oy2O8QXFE8I1RWVCKN3KZI4EEEYKNMZYURM2W0E9YKZ0TE',
      ],
    },
  },
  {
    id: 'jfrog-api-key',
    title: 'JFrog Artifactory API key',
    provider: 'JFrog',
    severity: 'high',
    keywords: ['akcp'],
    pattern: /(?<![A-Za-z0-9])(?<secret>AKCp[A-Za-z0-9]{69})(?![A-Za-z0-9])/,
    window: { before: 1, after: 80 },
    minEntropy: 4,
    remediation:
      'Revoke the API key in the JFrog Platform (Edit Profile > API key) and move to access or reference tokens.',
    docs: 'https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key',
    examples: {
      positive: [
        'curl -H "X-JFrog-Art-Api: AKCpxx2I2lmyCykqzcLhaWxGQXYYz4A6XcY2btGdMNB0TpiSRmaKpA2hGfmWpmR3K1kpMtxHM" https://acme.jfrog.io/artifactory/api/repositories',
        'artifactory_password=AKCpqnwXE30icE6esMjBaUWafAgneRxCFAx0A9TUeA5QXgZPhkBqlktoMpj28vCJ9zU5pnlQd',
      ],
      negative: ['artifactory_password=AKCpqnwXE30icE6esMjBaUWafAgne', 'ARTIFACTORY_API_KEY=AKCp${KEY}'],
    },
  },
  {
    id: 'jfrog-reference-token',
    title: 'JFrog reference token',
    provider: 'JFrog',
    severity: 'high',
    keywords: ['cmvmdgtuojaxoj'],
    // base64("reftkn:01:<expiry>:<random>")
    pattern: /(?<![A-Za-z0-9+/])(?<secret>cmVmdGtuOjAxOj[A-Za-z0-9+/]{50})(?![A-Za-z0-9+/=])/,
    window: { before: 1, after: 70 },
    validate: isJfrogReferenceToken,
    remediation: 'Revoke the token in the JFrog Platform (Administration > User Management > Access Tokens).',
    docs: 'https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens',
    examples: {
      positive: [
        'JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOjE4OTM0NTYwMDA6aHQyelRNQlJIMHEzeEJmWkEwMEhIZnlWd0Ew',
        'Authorization: Bearer cmVmdGtuOjAxOjE3NjcyMjU2MDA6a09mUGU0MzB2bzdMeW9HR2F6QURXaENXNmVU',
      ],
      negative: [
        'JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOjE4OTM0NTYwMDA6aHQyelRN',
        // decodes to reftkn:01: without a numeric expiry
        'JFROG_ACCESS_TOKEN=cmVmdGtuOjAxOjk6bm90YW5leHBpcnk6azNSOXZRMm1aOHRXNXlMMXBON3hENGNK',
      ],
    },
  },
  {
    id: 'packagist-token',
    title: 'Private Packagist token',
    provider: 'Packagist',
    severity: 'high',
    keywords: ['packagist_'],
    // prefix (org read / org update / user update ...), 60 random hex characters and an 8-hex checksum
    pattern: /(?<![A-Za-z0-9_])(?<secret>packagist_[a-z]{2,3}t_[0-9a-f]{68})(?![A-Za-z0-9])/,
    window: { before: 1, after: 90 },
    minEntropy: 3,
    remediation:
      'Delete the token in Private Packagist (organization or profile settings > Authentication tokens).',
    docs: 'https://packagist.com/docs/composer-authentication',
    examples: {
      positive: [
        'composer config --global --auth http-basic.repo.packagist.com token packagist_ort_0dd99feb69f6acfb34eb2050780df21d6590e86a4723da01b18b509167f463c8636a',
        'PACKAGIST_TOKEN=packagist_uut_03eb6cc33647d961c051ff3859d92dabea08756a26c6a4a61267489410ceeea6434a',
      ],
      negative: [
        'PACKAGIST_TOKEN=packagist_uut_03eb6cc33647d961c051ff3859d92dab',
        'use Packagist\\Api\\Client; $packagist_url = "x";',
      ],
    },
  },
  {
    id: 'clojars-deploy-token',
    title: 'Clojars deploy token',
    provider: 'Clojars',
    severity: 'high',
    keywords: ['clojars_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>CLOJARS_[0-9a-f]{60})(?![A-Za-z0-9])/,
    window: { before: 1, after: 70 },
    minEntropy: 3,
    remediation: 'Disable the deploy token on clojars.org (Dashboard > Deploy tokens).',
    docs: 'https://github.com/clojars/clojars-web/wiki/Deploy-Tokens',
    examples: {
      positive: [
        'CLOJARS_PASSWORD=CLOJARS_84d7d2d47424283f15b894d36fe4ccb37cf6561885e49f14f64889092e2c',
        ':password "CLOJARS_fda96de5151e90acb93d167cfa0c26b72759ecfeb319f19620894e586ae5"',
      ],
      negative: ['CLOJARS_USERNAME=acme', 'CLOJARS_PASSWORD=CLOJARS_84d7d2d47424283f15b894d36fe4'],
    },
  },
  {
    id: 'crates-io-api-token',
    title: 'crates.io API token',
    provider: 'crates.io',
    severity: 'critical',
    keywords: ['cio'],
    pattern: /(?<![A-Za-z0-9])(?<secret>cio[A-Za-z0-9]{32})(?![A-Za-z0-9])/,
    window: { before: 1, after: 40 },
    minEntropy: 3.8,
    remediation: 'Revoke the token on crates.io (Account settings > API Tokens) and review recent publishes.',
    docs: 'https://doc.rust-lang.org/cargo/reference/publishing.html',
    examples: {
      positive: [
        'CARGO_REGISTRY_TOKEN=cioMaX8p7ZH8RZiAEugV6Jc9hSIQCPrj1ka',
        '[registry]\ntoken = "ciogMSyBNJDbCUpsgCgdIImg8KtsxRBeQCr"',
      ],
      negative: [
        'CARGO_REGISTRY_TOKEN=cioMaX8p7ZH8RZiAE',
        'const p = calcioPrecisionHelperFunctionNameHere;',
      ],
    },
  },
  {
    id: 'sonatype-central-token',
    title: 'Sonatype (Maven Central / OSSRH) user token password',
    provider: 'Sonatype',
    severity: 'high',
    keywords: ['ossrh', 'sonatype', 'maven_central', 'mavencentral', 'central_token'],
    pattern:
      /(?<![a-z0-9])(?:ossrh|sonatype|maven_?central|central_?token)[\w.-]{0,20}?(?:password|passwd|token|secret)["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9+/]{40,48}={0,2})(?![A-Za-z0-9+/=])/i,
    window: { before: 5, after: 110 },
    minEntropy: 4,
    remediation:
      'Regenerate the user token on central.sonatype.com (View Account > Generate User Token), which invalidates the old one.',
    docs: 'https://central.sonatype.org/publish/generate-portal-token/',
    examples: {
      positive: [
        'OSSRH_PASSWORD=ORYTDL7P8LSUC9ES6rM/seX1cBaQG9yTo2O49PhgD06M',
        'mavenCentralPassword: "cVoS/DUa9CGTi+g9erQUGrFuvGMrBNHtIeScHGpfuKVO"',
      ],
      negative: ['OSSRH_PASSWORD=${{ secrets.OSSRH_PASSWORD }}', 'OSSRH_USERNAME=34xMiZ5L'],
    },
  },
  {
    id: 'gradle-plugin-portal-secret',
    title: 'Gradle Plugin Portal publishing secret',
    provider: 'Gradle',
    severity: 'high',
    keywords: ['gradle.publish.secret', 'gradle_publish_secret'],
    pattern:
      /gradle[._]publish[._]secret["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9]{32})(?![A-Za-z0-9])/i,
    window: { before: 0, after: 80 },
    minEntropy: 3.5,
    remediation: 'Regenerate the API keys on plugins.gradle.org (your profile > API Keys).',
    docs: 'https://docs.gradle.org/current/userguide/publishing_gradle_plugins.html',
    examples: {
      positive: [
        'gradle.publish.key=Xbv9EFyvBeSCIph0D1gn0bkdSBryDwF3\ngradle.publish.secret=Dc4SzpnyHFceHwGRB1er6fILsG2gW4qf',
        'GRADLE_PUBLISH_SECRET: Dc4SzpnyHFceHwGRB1er6fILsG2gW4qf',
      ],
      negative: [
        'gradle.publish.key=Xbv9EFyvBeSCIph0D1gn0bkdSBryDwF3',
        '-Pgradle.publish.secret=$GRADLE_PUBLISH_SECRET',
      ],
    },
  },
]);
