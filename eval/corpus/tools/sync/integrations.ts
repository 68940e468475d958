import { Client as NotionClient } from '@notionhq/client';
import { LinearClient } from '@linear/sdk';
import Airtable from 'airtable';

/**
 * Nightly sync of roadmap items between Linear, Notion, Airtable and Jira.
 * Runs as a cron job on the ops box; tokens belong to the "roadmap-bot" service users.
 */
export const notion = new NotionClient({ auth: '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' });
export const notionLegacy = new NotionClient({ auth: process.env.NOTION_LEGACY_TOKEN ?? 'secret_k24L0xrgFzoGli9BqVSrwU6XJlAQCZl7fWdEomoXQL5' });
export const linear = new LinearClient({ apiKey: 'lin_api_9ywHvdEKZwaOVgQNb587f0dLCMZzxfiiwrywK22t' });
export const airtable = new Airtable({ apiKey: 'patuZdtxjdpW9gN83.1af5527902e9cb9f767b418b40476da77e888960517c605563d2b865f7adf40e' }).base('appEDsBQaU3Cc82Xa');

export const jira = {
  baseUrl: 'https://acme-corp.atlassian.net',
  email: 'roadmap-bot@acme-corp.io',
  apiToken: 'ATATT3xFfGF07y1wJGsl36A10D486wWOtYa_90D8R0JgBy2wn7Obzv68R_agE2lRq5im8BULlJ_DhsGCn3Lbjiuf2gbc7gIkq7NaFp-f-WUYhXelA6JchUX0UcvLC44J73t8eZyS6XY3fXeoQOVsRpeO9hX7eTv6CFSuAUMFltZdTdT5Dj_nNh1=B5AF33C6',
};

export const figma = { token: process.env.FIGMA_TOKEN ?? 'figd_VIBa-hSzHaoOaWff8zsQ6lQJI1T0kACchuiSUS0z', fileKey: 'WaTL8Lb0dgCNeA1yqXSj0h' };
export const contentful = { spaceId: 'ans7kw6zqnvt', managementToken: 'CFPAT-6pytrvqOi2LSuSDuMYuOsyzSjt0UFwbPLeQZtgwi7Sj' };
export const asana = { token: '2/8775023881903671/1230559401765051:c880e1b30bed6c62a2f4296db0247a00', workspace: '4109311585327773' };

export interface SyncOptions {
  dryRun: boolean;
  tokenRefreshMinutes: number;
  secretName?: string;
}
