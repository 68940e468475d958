import { defineRules } from './define.js';

export const rules = defineRules([]);
