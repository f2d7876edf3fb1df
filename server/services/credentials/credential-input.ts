import { z } from 'zod';
import { CREDENTIAL_TYPES } from '../../models/credential.model';

const MAX_SECRET_CHARS = 64 * 1024;

/** Input of adding a credential, shared by every transport (CLI, tRPC, REST). */
export const addCredentialInput = z
  .object({
    name: z.string().trim().min(1).max(100).regex(/^[\w.@ -]+$/, 'use letters, digits, spaces and . _ - @'),
    type: z.enum(CREDENTIAL_TYPES),
    username: z.string().trim().min(1).max(256).regex(/^[^\s:/]+$/, 'must not contain spaces, ":" or "/"'),
    sudo: z.boolean().default(false),
    password: z.string().min(1).max(4096).optional(),
    privateKey: z.string().min(1).max(MAX_SECRET_CHARS).optional(),
    passphrase: z.string().min(1).max(4096).optional(),
    sudoPassword: z.string().min(1).max(4096).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === 'ssh-password' && !input.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'an ssh-password credential needs a password' });
    if (input.type === 'ssh-key' && !input.privateKey) ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'an ssh-key credential needs a private key' });
    if (input.type === 'ssh-password' && (input.privateKey || input.passphrase)) ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'an ssh-password credential takes no private key' });
    if (input.sudoPassword && !input.sudo) ctx.addIssue({ code: 'custom', path: ['sudoPassword'], message: 'a sudo password needs sudo enabled' });
  });

export type AddCredentialInput = z.infer<typeof addCredentialInput>;

export const rotateCredentialInput = z.object({
  password: z.string().min(1).max(4096).optional(),
  privateKey: z.string().min(1).max(MAX_SECRET_CHARS).optional(),
  passphrase: z.string().min(1).max(4096).optional(),
  sudoPassword: z.string().min(1).max(4096).optional(),
});

export type RotateCredentialInput = z.infer<typeof rotateCredentialInput>;
