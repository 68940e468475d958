export type TokenProvider = () => Promise<string | undefined>;

export interface ApiClientOptions {
  baseUrl: string;
  getToken: TokenProvider;
  apiKeyHeader?: string;
}

export function createApiClient({ baseUrl, getToken, apiKeyHeader = 'x-api-key' }: ApiClientOptions) {
  return async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const token = await getToken();
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    if (process.env.ACME_SERVER_API_KEY) headers.set(apiKeyHeader, process.env.ACME_SERVER_API_KEY);
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers });
    if (res.status === 401) throw new Error('token expired');
    return (await res.json()) as T;
  };
}

export const secretsManagerPath = (service: string, name: string) => `prod/${service}/${name}`;
export const PASSWORD_PATTERN = /^(?=.*[A-Z])(?=.*[^A-Za-z0-9]).{12,}$/;
