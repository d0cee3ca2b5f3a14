import { useState } from 'react';
import type { z } from 'zod';
import { errorInfoOf } from '../../api';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import type { FieldWords } from '../../../../common/human-issue';

export type SavePayload<C> = { create: C } | { name: string; patch: Record<string, unknown> };

interface SaveFormOptions<C> {
  /** Name of the edited item; null when creating. */
  existingName: string | null;
  buildCreate(): C;
  createSchema: z.ZodType;
  buildPatch(): Record<string, unknown>;
  patchSchema: z.ZodType;
  onSubmit(payload: SavePayload<C>): Promise<void>;
  onClose(): void;
  /** Input roots the core prefixes server field errors with (e.g. ['channel', 'patch']). */
  errorRoots: string[];
  /** How the form labels its fields, for messages in its own words. */
  words?: Readonly<Record<string, FieldWords>>;
}

/**
 * The create-or-edit flow shared by the configuration forms: validate with the same schema as the
 * server, send only what changed, and show the server's refusal next to the field it names.
 */
export function useSaveForm<C>(opts: SaveFormOptions<C>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let payload: SavePayload<C>;
    if (opts.existingName !== null) {
      const patch = opts.buildPatch();
      // Nothing changed: nothing to send (a patch must name at least one field).
      if (Object.keys(patch).length === 0) return opts.onClose();
      const parsed = opts.patchSchema.safeParse(patch);
      if (!parsed.success) return setErrors(zodFieldErrors(parsed.error, opts.words));
      payload = { name: opts.existingName, patch };
    } else {
      const input = opts.buildCreate();
      const parsed = opts.createSchema.safeParse(input);
      if (!parsed.success) return setErrors(zodFieldErrors(parsed.error, opts.words));
      payload = { create: input };
    }
    setErrors({});
    setBusy(true);
    try {
      await opts.onSubmit(payload);
      opts.onClose();
    } catch (err) {
      setErrors(serverFieldErrors(errorInfoOf(err), opts.errorRoots));
    } finally {
      setBusy(false);
    }
  };

  return { errors, busy, submit };
}
