/** How a file refers to a value it no longer holds; decides the form of the reference. */
export type FileKind =
  | 'js'
  | 'python'
  | 'go'
  | 'ruby'
  | 'jvm'
  | 'csharp'
  | 'php'
  | 'shell'
  | 'workflow'
  | 'gitlab-ci'
  | 'dotenv'
  | 'key-file'
  | 'generic';

const BY_EXTENSION: Record<string, FileKind> = {
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'js',
  ts: 'js',
  mts: 'js',
  cts: 'js',
  tsx: 'js',
  py: 'python',
  go: 'go',
  rb: 'ruby',
  java: 'jvm',
  kt: 'jvm',
  kts: 'jvm',
  groovy: 'jvm',
  cs: 'csharp',
  php: 'php',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  pem: 'key-file',
  key: 'key-file',
  p12: 'key-file',
  pfx: 'key-file',
  jks: 'key-file',
  keystore: 'key-file',
  ppk: 'key-file',
};

export function fileKind(path: string): FileKind {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  if (base === '.gitlab-ci.yml' || base.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
  // `.env`, `.env.local`, `.env.production`, `app.env` — but not the templates that should stay.
  if (
    (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) &&
    !/\.(example|sample|template|dist)$/.test(base)
  )
    return 'dotenv';
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(base)) return 'key-file';
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? BY_EXTENSION[base.slice(dot + 1).toLowerCase()] : undefined) ?? 'generic';
}

/** `apiKey`, `api-key`, `stripe.secret` -> `API_KEY`, `STRIPE_SECRET`. */
export function envName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name || 'SECRET';
}
