import { describe } from '@jest/globals';
import { linearTimeShard } from './linear-time.js';

describe('rules run in linear time (shard 4 of 4)', () => linearTimeShard(3, 4));
