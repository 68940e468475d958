/**
 * The fake GitLab's CI/CD variables, project and group level: values kept in plaintext (the API returns
 * them to Maintainers), masked-value rules as GitLab enforces them, environment_scope filters.
 */
import { pageOf, type GitlabAnswer, type GitlabArea, type GitlabRequest } from './area.js';
import type { FakeGitlabRepo } from './repo.js';

export interface FakeVariable {
  key: string;
  value: string;
  masked: boolean;
  protected: boolean;
  raw: boolean;
  environment_scope: string;
  variable_type: 'env_var' | 'file';
}

/** GitLab: masked values are one line of 8+ characters from the Base64 alphabets and @ : . ~ */
const MASKABLE = /^[A-Za-z0-9+/=_@:.~-]{8,}$/;

export class FakeVariables implements GitlabArea {
  /** `project` or a group's full path -> variables. */
  readonly stores = new Map<string, FakeVariable[]>();
  /** Owners answered 403 (the token lacks the Maintainer role there). */
  readonly forbidden = new Set<string>();

  constructor(private readonly repo: FakeGitlabRepo) {}

  private store(owner: string): FakeVariable[] {
    let list = this.stores.get(owner);
    if (!list) this.stores.set(owner, (list = []));
    return list;
  }

  /** Seeds a variable; owner `project` or a group path. */
  set(owner: string, key: string, value: string, extra: Partial<FakeVariable> = {}): void {
    this.store(owner).push({
      key,
      value,
      masked: true,
      protected: true,
      raw: true,
      environment_scope: '*',
      variable_type: 'env_var',
      ...extra,
    });
  }

  get(owner: string, key: string, scope = '*'): FakeVariable | undefined {
    return this.stores.get(owner)?.find((v) => v.key === key && v.environment_scope === scope);
  }

  answer(request: GitlabRequest): GitlabAnswer | undefined {
    const { method, segments: s, query, body } = request;
    if (s[2] !== 'variables' || s.length > 4) return undefined;
    let owner: string;
    if (s[0] === 'projects' && this.repo.isProject(s[1])) owner = 'project';
    else if (s[0] === 'groups') {
      const group = this.repo.groups.find((g) => String(g.id) === s[1] || g.full_path === s[1]);
      if (!group) return [404, { message: '404 Group Not Found' }];
      owner = group.full_path;
    } else return undefined;
    if (this.forbidden.has(owner)) return [403, { message: '403 Forbidden' }];
    const list = this.store(owner);
    const key = s[3];
    const scope = query.get('filter[environment_scope]') ?? undefined;
    const find = () =>
      list.find((v) => v.key === key && (scope === undefined || v.environment_scope === scope));
    if (key === undefined && method === 'GET') {
      const [items, headers] = pageOf(list, request);
      return [200, items, headers];
    }
    if (key === undefined && method === 'POST') {
      const variable = this.validate(body, undefined);
      if (!('key' in variable)) return variable;
      if (list.some((v) => v.key === variable.key && v.environment_scope === variable.environment_scope))
        return [400, { message: { key: [`(${variable.key}) has already been taken`] } }];
      list.push(variable);
      return [201, variable];
    }
    const found = find();
    if (!found) return [404, { message: '404 Variable Not Found' }];
    if (method === 'GET') return [200, found];
    if (method === 'PUT') {
      const variable = this.validate({ ...found, ...body, key }, found);
      if (!('key' in variable)) return variable;
      Object.assign(found, variable);
      return [200, found];
    }
    if (method === 'DELETE') {
      list.splice(list.indexOf(found), 1);
      return [204, undefined];
    }
    return undefined;
  }

  private validate(
    body: Record<string, unknown>,
    prior: FakeVariable | undefined,
  ): FakeVariable | GitlabAnswer {
    if (typeof body['key'] !== 'string' || !/^[A-Za-z0-9_]{1,255}$/.test(body['key']))
      return [400, { message: { key: ["can contain only letters, digits and '_'."] } }];
    if (typeof body['value'] !== 'string') return [400, { error: 'value is missing' }];
    const masked = Boolean(body['masked'] ?? prior?.masked ?? false);
    if (masked && !MASKABLE.test(body['value'])) return [400, { message: { value: ['is invalid'] } }];
    return {
      key: body['key'],
      value: body['value'],
      masked,
      protected: Boolean(body['protected'] ?? prior?.protected ?? false),
      raw: Boolean(body['raw'] ?? prior?.raw ?? false),
      environment_scope: String(body['environment_scope'] ?? prior?.environment_scope ?? '*'),
      variable_type: body['variable_type'] === 'file' ? 'file' : 'env_var',
    };
  }
}
