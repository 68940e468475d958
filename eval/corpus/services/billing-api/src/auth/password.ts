import bcrypt from 'bcryptjs';
import type { Request } from 'express';

export interface Credentials {
  username: string;
  password: string;
  otpToken?: string;
}

const BCRYPT_ROUNDS = 12;
export const passwordField = 'password';
export const tokenHeader = 'x-api-token';
export const PASSWORD_RESET_TOKEN_TTL = 15 * 60;

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_ROUNDS);
}

export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  return bcrypt.compare(password, passwordHash);
}

export function readCredentials(req: Request): Credentials {
  const { username, password } = req.body as { username: string; password: string };
  const otpToken = req.header('x-otp-token') ?? undefined;
  return { username, password, ...(otpToken ? { otpToken } : {}) };
}

export function isStrongPassword(password: string): boolean {
  return password.length >= 12 && /[A-Z]/.test(password) && /[^A-Za-z0-9]/.test(password);
}

export const messages = {
  invalidPassword: 'The password you entered is incorrect.',
  tokenExpired: 'Your session token has expired, please sign in again.',
  secretRequired: 'A client secret is required for this grant type.',
};
