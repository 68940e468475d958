import { describe } from '@jest/globals';
import { linearTimeShard } from './linear-time.js';

describe('rules run in linear time (shard 1 of 4)', () => linearTimeShard(0, 4));
