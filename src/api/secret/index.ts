/** The connector secret endpoints (connector-api.md §8). */
import type { Endpoint } from '../endpoint.js';
import { deleteSecret } from './delete.js';
import { getSecret } from './get.js';
import { postSecret } from './post.js';
import { putSecret } from './put.js';

export const secretEndpoints: Endpoint[] = [postSecret, putSecret, getSecret, deleteSecret];
