import { z } from 'zod';

/**
 * Path parameters. They accept any non-empty segment on purpose: a name that cannot exist answers
 * 404 (not found), not 400, so probing a path never says more than "there is nothing here".
 */
const segment = z.string().min(1).max(512);
export const NameParams = z.object({ name: segment }).strict();
export const IdParams = z.object({ id: segment }).strict();
export const KeyParams = z.object({ key: segment }).strict();
