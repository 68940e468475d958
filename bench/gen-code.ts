import type { Rng } from './prng.js';
import {
  NOUNS,
  NPM_PACKAGES,
  camel,
  capitalize,
  fill,
  fnName,
  hostname,
  kebab,
  pascal,
  sentence,
  snake,
  upperSnake,
} from './vocab.js';

/** Source files: the bulk of a repository by count. Each generator returns about `size` characters. */

function tsBlock(rng: Rng): string {
  const a = camel(rng);
  const b = camel(rng);
  const f = fnName(rng);
  switch (rng.int(0, 7)) {
    case 0:
      return (
        `\n/** ${sentence(rng)} */\nexport async function ${f}(${a}: ${pascal(rng)}, options: ${pascal(rng)}Options = {}): Promise<${pascal(rng)}> {\n` +
        `  const ${b} = await this.${camel(rng)}.${fnName(rng)}(${a}.id, { timeout: options.timeout ?? ${rng.int(1, 60) * 1000} });\n` +
        `  if (!${b}) throw new Error(\`${snake(rng)} not found for \${${a}.id}\`);\n` +
        `  return { ...${b}, updatedAt: new Date().toISOString() };\n}\n`
      );
    case 1:
      return (
        `\nexport interface ${pascal(rng)} {\n  id: string;\n  ${a}: string;\n  ${b}?: number;\n` +
        `  tokenType: 'bearer' | 'basic';\n  expiresIn: number;\n  scopes: readonly string[];\n}\n`
      );
    case 2:
      return (
        `\nconst ${a} = process.env.${upperSnake(rng)} ?? '${kebab(rng)}';\n` +
        `const apiKey = config.get('${camel(rng)}.apiKey');\n` +
        `if (!apiKey) logger.warn('missing api key for ${snake(rng)}; requests will be anonymous');\n`
      );
    case 3:
      return (
        `\nexport class ${pascal(rng)}Service {\n  private readonly ${a} = new Map<string, ${pascal(rng)}>();\n\n` +
        `  constructor(private readonly auth: AuthClient, private readonly secretStore: SecretStore) {}\n\n` +
        `  async ${f}(key: string): Promise<string | undefined> {\n    const token = await this.auth.getAccessToken();\n` +
        `    const secret = await this.secretStore.read(\`${snake(rng)}/\${key}\`, { token });\n` +
        `    this.${a}.set(key, secret);\n    return secret?.value;\n  }\n}\n`
      );
    case 4:
      return `\n// ${sentence(rng)}\n// ${sentence(rng)}\nexport const ${upperSnake(rng)} = ${rng.int(0, 100000)};\nexport const ${upperSnake(rng)}_KEY = '${snake(rng)}';\n`;
    case 5:
      return (
        `\n  it('${sentence(rng, 4, 9).toLowerCase()}', async () => {\n    const ${a} = await ${fnName(rng)}({ password: input.password, username: '${rng.pick(NOUNS)}' });\n` +
        `    expect(${a}.${b}).toEqual(${rng.int(0, 500)});\n    expect(headers.authorization).toMatch(/^Bearer /);\n  });\n`
      );
    case 6:
      return (
        `\nexport function ${f}(${a}: string[]): Record<string, number> {\n  const out: Record<string, number> = {};\n` +
        `  for (const key of ${a}) {\n    out[key] = (out[key] ?? 0) + ${rng.int(1, 9)};\n  }\n  return out;\n}\n`
      );
    default:
      return (
        `\nexport default function ${pascal(rng)}({ ${a}, onSubmit }: Props) {\n  const [password, setPassword] = useState('');\n` +
        `  return (\n    <form onSubmit={onSubmit} className="${kebab(rng)}">\n` +
        `      {${a}.map((item) => <Row key={item.id} ${b}={item.${camel(rng)}} />)}\n` +
        `      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />\n    </form>\n  );\n}\n`
      );
  }
}

export function typescript(rng: Rng, size: number): string {
  let head = '';
  for (let i = rng.int(2, 8); i > 0; i--)
    head += `import { ${camel(rng)}, ${camel(rng)} } from '${rng.chance(0.5) ? rng.pick(NPM_PACKAGES) : `../${rng.pick(NOUNS)}/${rng.pick(NOUNS)}.js`}';\n`;
  return fill(size, () => tsBlock(rng), head);
}

export function javascript(rng: Rng, size: number): string {
  let head = `'use strict';\n`;
  for (let i = rng.int(2, 6); i > 0; i--)
    head += `const ${camel(rng)} = require('${rng.pick(NPM_PACKAGES)}');\n`;
  // The same shapes without type annotations are close enough for a scanner, which ignores syntax.
  return fill(
    size,
    () => tsBlock(rng).replace(/: [A-Z][A-Za-z]*(\[\])?/g, ''),
    head,
    '\nmodule.exports = {};\n',
  );
}

function pyBlock(rng: Rng): string {
  const a = snake(rng);
  const b = snake(rng);
  switch (rng.int(0, 5)) {
    case 0:
      return (
        `\n\ndef ${snake(rng)}(${a}, ${b}=None, *, timeout=${rng.int(1, 30)}):\n    """${sentence(rng)}"""\n` +
        `    token = os.environ.get("${upperSnake(rng)}_TOKEN")\n    if token is None:\n` +
        `        raise ConfigError("missing token for ${a}")\n    return client.${snake(rng)}(${a}, auth=(user, token))\n`
      );
    case 1:
      return (
        `\n\nclass ${pascal(rng)}(BaseModel):\n    ${a}: str\n    ${b}: int = ${rng.int(0, 100)}\n` +
        `    password_hash: str = ""\n    secret_key_ref: Optional[str] = None\n\n    class Config:\n        orm_mode = True\n`
      );
    case 2:
      return `\n# ${sentence(rng)}\n${upperSnake(rng)} = "${kebab(rng)}"\nSECRET_KEY = os.environ["SECRET_KEY"]\nDEBUG = ${rng.chance(0.5) ? 'True' : 'False'}\n`;
    case 3:
      return (
        `\n\nasync def ${snake(rng)}(request: Request) -> dict:\n    body = await request.json()\n` +
        `    if not verify_password(body["password"], user.password_hash):\n        raise HTTPException(status_code=401, detail="invalid credentials")\n` +
        `    return {"access_token": create_access_token(user.id), "token_type": "bearer"}\n`
      );
    case 4:
      return `\n\ndef test_${snake(rng)}(client, ${a}):\n    response = client.get("/api/${rng.pick(NOUNS)}s", headers={"Authorization": f"Bearer {${a}.token}"})\n    assert response.status_code == ${rng.pick([200, 201, 204, 401, 403, 404])}\n`;
    default:
      return `\n    for ${a} in ${b}:\n        if ${a}.${snake(rng)} > ${rng.int(0, 1000)}:\n            logger.info("skipping %s", ${a}.id)\n            continue\n        results.append(${a})\n`;
  }
}

export function python(rng: Rng, size: number): string {
  const head = `"""${sentence(rng)}"""\nfrom __future__ import annotations\n\nimport os\nimport logging\nfrom typing import Optional\n\nlogger = logging.getLogger(__name__)\n`;
  return fill(size, () => pyBlock(rng), head);
}

function goBlock(rng: Rng): string {
  const a = camel(rng);
  const T = pascal(rng);
  switch (rng.int(0, 4)) {
    case 0:
      return (
        `\n// ${capitalize(fnName(rng))} ${sentence(rng).toLowerCase()}\nfunc (s *${T}Service) ${capitalize(fnName(rng))}(ctx context.Context, ${a} string) (*${T}, error) {\n` +
        `\ttoken, err := s.auth.Token(ctx)\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("${snake(rng)}: %w", err)\n\t}\n` +
        `\treq.Header.Set("Authorization", "Bearer "+token)\n\treturn s.store.Get(ctx, ${a})\n}\n`
      );
    case 1:
      return `\ntype ${T} struct {\n\tID        string \`json:"id"\`\n\tSecretRef string \`json:"secretRef,omitempty"\`\n\tAPIKeyEnv string \`json:"apiKeyEnv"\`\n\tTimeout   time.Duration \`json:"timeout"\`\n}\n`;
    case 2:
      return `\nconst (\n\t${capitalize(a)}Key = "${snake(rng)}"\n\tmax${T} = ${rng.int(1, 4096)}\n)\n`;
    case 3:
      return (
        `\nfunc Test${T}(t *testing.T) {\n\tcfg := LoadConfig(t)\n\tif cfg.Password == "" {\n\t\tt.Skip("password not configured")\n\t}\n` +
        `\tgot := ${fnName(rng)}(cfg)\n\tif got != ${rng.int(0, 99)} {\n\t\tt.Fatalf("unexpected %d", got)\n\t}\n}\n`
      );
    default:
      return `\n\tfor _, ${a} := range items {\n\t\tif ${a}.Expired() {\n\t\t\tcontinue\n\t\t}\n\t\tout = append(out, ${a}.Key)\n\t}\n`;
  }
}

export function golang(rng: Rng, size: number): string {
  const head = `package ${rng.pick(NOUNS)}\n\nimport (\n\t"context"\n\t"fmt"\n\t"time"\n\n\t"github.com/acme/${rng.pick(NOUNS)}/internal/auth"\n)\n`;
  return fill(size, () => goBlock(rng), head);
}

function javaBlock(rng: Rng): string {
  const a = camel(rng);
  const T = pascal(rng);
  switch (rng.int(0, 3)) {
    case 0:
      return (
        `\n    /**\n     * ${sentence(rng)}\n     */\n    public ${T} ${fnName(rng)}(String ${a}) throws IOException {\n` +
        `        String token = tokenProvider.getAccessToken("${snake(rng)}");\n        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/${rng.pick(NOUNS)}"))\n` +
        `            .header("Authorization", "Bearer " + token)\n            .build();\n        return mapper.readValue(send(request), ${T}.class);\n    }\n`
      );
    case 1:
      return `\n    @Value("\${${rng.pick(NOUNS)}.password}")\n    private String ${a}Password;\n\n    @Value("\${${rng.pick(NOUNS)}.secret-key}")\n    private String ${a}SecretKey;\n`;
    case 2:
      return `\n    private static final int ${upperSnake(rng)} = ${rng.int(0, 9999)};\n    private final Map<String, ${T}> ${a}ByKey = new ConcurrentHashMap<>();\n`;
    default:
      return `\n    @Test\n    void ${fnName(rng)}Works() {\n        var ${a} = new ${T}("${kebab(rng)}");\n        assertEquals(${rng.int(0, 50)}, ${a}.${fnName(rng)}());\n    }\n`;
  }
}

export function java(rng: Rng, size: number): string {
  const T = pascal(rng);
  const head = `package com.acme.${rng.pick(NOUNS)};\n\nimport java.io.IOException;\nimport java.util.Map;\n\npublic class ${T} {\n`;
  return fill(size, () => javaBlock(rng), head, '}\n');
}

export function shell(rng: Rng, size: number): string {
  const make = (): string =>
    rng.pick([
      `\n# ${sentence(rng)}\nexport ${upperSnake(rng)}="\${${upperSnake(rng)}:-${kebab(rng)}}"\n`,
      `\nif [ -z "\${${upperSnake(rng)}_TOKEN:-}" ]; then\n  echo "token not set; run 'make login' first" >&2\n  exit 1\nfi\n`,
      `\ncurl -fsSL -H "Authorization: Bearer \${API_TOKEN}" "https://${hostname(rng)}/v1/${rng.pick(NOUNS)}s?limit=${rng.int(1, 500)}" | jq '.items[]'\n`,
      `\nkubectl -n ${rng.pick(NOUNS)} create secret generic ${kebab(rng)} --from-literal=password="$DB_PASSWORD" --dry-run=client -o yaml\n`,
    ]);
  return fill(size, make, '#!/usr/bin/env bash\nset -euo pipefail\n');
}
